import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LANGUAGES } from '../src/i18n/index.ts';
import { localeResources } from './support/render.tsx';

const SOURCE = join(import.meta.dirname, '..', 'src');
const resources = localeResources();

function flatten(value: unknown, prefix = ''): Record<string, string> {
  if (typeof value === 'string') return { [prefix]: value };
  return Object.assign({}, ...Object.entries(value as Record<string, unknown>).map(([key, child]) => flatten(child, prefix ? `${prefix}.${key}` : key)));
}

function variables(text: string): string[] {
  return [...text.matchAll(/\{\{\s*([\w.]+)/g)].map((match) => match[1]!).sort();
}

const english = Object.fromEntries(Object.entries(resources['en']!).map(([namespace, content]) => [namespace, flatten(content)]));

describe('translations', () => {
  it.each(LANGUAGES.map((language) => language.code).filter((code) => code !== 'en'))('in %s have exactly the English namespaces and keys', (language) => {
    const translated = resources[language] ?? {};
    expect(Object.keys(translated).sort()).toEqual(Object.keys(english).sort());
    for (const [namespace, keys] of Object.entries(english)) {
      expect({ namespace, keys: Object.keys(flatten(translated[namespace] ?? {})).sort() }).toEqual({ namespace, keys: Object.keys(keys).sort() });
    }
  });

  it.each(LANGUAGES.map((language) => language.code).filter((code) => code !== 'en'))('in %s keep every placeholder of the English text and are never empty', (language) => {
    for (const [namespace, keys] of Object.entries(english)) {
      const translated = flatten(resources[language]?.[namespace] ?? {});
      for (const [key, text] of Object.entries(keys)) {
        expect({ key: `${namespace}:${key}`, variables: variables(translated[key] ?? '') }).toEqual({ key: `${namespace}:${key}`, variables: variables(text) });
        expect({ key: `${namespace}:${key}`, empty: (translated[key] ?? '').trim() === '' }).toEqual({ key: `${namespace}:${key}`, empty: false });
      }
    }
  });

  it('cover every key the app asks for by name', () => {
    const files = readdirSync(SOURCE, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile() && /\.tsx?$/.test(entry.name));
    const missing: string[] = [];
    let checked = 0;
    for (const file of files) {
      const text = readFileSync(join(file.parentPath, file.name), 'utf8');
      for (const match of text.matchAll(/\bt\(\s*'([^'$`]+)'/g)) {
        const [namespace, key] = match[1]!.includes(':') ? match[1]!.split(':', 2) : ['common', match[1]!];
        const keys = english[namespace!] ?? {};
        checked += 1;
        if (!(key! in keys) && !(`${key}_one` in keys && `${key}_other` in keys)) missing.push(`${file.name}: ${namespace}:${key}`);
      }
    }
    expect(checked).toBeGreaterThan(20);
    expect(missing).toEqual([]);
  });
});
