import type { RequestContext } from './context.ts';
import type { EntityManager } from './db/orm.ts';

/**
 * The base of every domain service: made per request from the request's context and the subgraph's
 * dependencies (settings, clients), so a service never reaches for globals.
 */
export abstract class DomainService<Deps = undefined> {
  protected readonly context: RequestContext;
  protected readonly deps: Deps;

  constructor(context: RequestContext, deps: Deps) {
    this.context = context;
    this.deps = deps;
  }

  /** The request's entity manager, tenant filter already fed. */
  protected get em(): EntityManager {
    return this.context.em;
  }
}
