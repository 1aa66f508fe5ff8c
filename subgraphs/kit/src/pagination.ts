import type { FilterQuery, FindOptions } from '@mikro-orm/core';
import type { EntityManager } from './db/orm.ts';
import { errors } from './errors.ts';

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

export interface PageArguments {
  first?: number | null;
  after?: string | null;
}

export interface Connection<Node> {
  edges: { cursor: string; node: Node }[];
  nodes: Node[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  /** Counted only when the caller selects it (GraphQL's default resolver calls it). */
  totalCount: () => Promise<number>;
}

interface Pageable {
  id: string;
  createdAt: Date;
}

function encodeCursor(node: Pageable): string {
  return Buffer.from(`${node.createdAt.toISOString()}|${node.id}`).toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const [iso, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(iso ?? '');
  if (!id || Number.isNaN(createdAt.getTime())) throw errors.badUserInput(`'${cursor}' is not a valid cursor.`);
  return { createdAt, id };
}

export function pageSize(first: number | null | undefined): number {
  const size = first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
    throw errors.badUserInput(`'first' must be between 1 and ${MAX_PAGE_SIZE}; got ${size}.`);
  }
  return size;
}

/** A cursor connection over entities ordered by (createdAt, id): oldest first, or newest first with `order: 'desc'`. */
export async function paginate<Entity extends Pageable>(
  em: EntityManager,
  entity: new (...args: never[]) => Entity,
  where: FilterQuery<Entity>,
  page: PageArguments,
  options: { populate?: readonly string[]; order?: 'asc' | 'desc' } = {},
): Promise<Connection<Entity>> {
  const size = pageSize(page.first);
  const order = options.order ?? 'asc';
  const beyond = order === 'asc' ? '$gt' : '$lt';
  let filter = where;
  if (page.after) {
    const cursor = decodeCursor(page.after);
    filter = {
      $and: [
        where,
        { $or: [{ createdAt: { [beyond]: cursor.createdAt } }, { createdAt: cursor.createdAt, id: { [beyond]: cursor.id } }] },
      ],
    } as FilterQuery<Entity>;
  }
  const rows = await em.find(entity, filter, { populate: options.populate, orderBy: { createdAt: order, id: order }, limit: size + 1 } as FindOptions<Entity>);
  const nodes = rows.slice(0, size);
  const last = nodes.at(-1);
  return {
    edges: nodes.map((node) => ({ cursor: encodeCursor(node), node })),
    nodes,
    pageInfo: { hasNextPage: rows.length > size, endCursor: last ? encodeCursor(last) : null },
    totalCount: () => em.count(entity, where),
  };
}
