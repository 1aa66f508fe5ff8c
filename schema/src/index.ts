export * from './access.ts';
export * from './permissions.ts';
export * from './principal.ts';
export * from './subgraphs.ts';
export * from './shield.ts';
