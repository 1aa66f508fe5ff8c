// What jsdom lacks and the app uses, and the DOM matchers.
import '@testing-library/jest-dom/jest-globals';
import { TextDecoder, TextEncoder } from 'node:util';

Object.assign(globalThis, { TextEncoder, TextDecoder });
if (!globalThis.CSS?.escape) {
  Object.assign(globalThis, { CSS: { ...(globalThis.CSS ?? {}), escape: (value: string) => value.replace(/[^a-zA-Z0-9_-]/g, (character) => `\\${character}`) } });
}

// jsdom has no Fetch API `Request`, which react-router's data router builds for every navigation;
// a navigation without loaders only needs its url and signal.
if (typeof globalThis.Request === 'undefined') {
  class NavigationRequest {
    readonly url: string;
    readonly signal: AbortSignal | undefined;
    readonly method: string;
    constructor(input: string | URL, init: { signal?: AbortSignal; method?: string } = {}) {
      this.url = String(input);
      this.signal = init.signal;
      this.method = init.method ?? 'GET';
    }
  }
  Object.assign(globalThis, { Request: NavigationRequest });
}
