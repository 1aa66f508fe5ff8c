import type { RequestContext } from './context.ts';
import { UserInputError, type UserError } from './errors.ts';

export type Payload<Result> = Result & { userErrors: UserError[] };

/**
 * The one line every mutation walks: the service runs inside one transaction on the request's entity
 * manager, together with the events and mail it records. A UserInputError rolls everything back and
 * comes back as `userErrors`; any other failure rolls back and is masked by the server. Authorization
 * already happened (shield, from the SDL) before the resolver ran.
 */
export function mutation<Context extends RequestContext, Input, Result extends object>(
  run: (context: Context, input: Input) => Promise<Result & { userErrors?: UserError[] }>,
): (parent: unknown, args: { input?: Input | null }, context: Context) => Promise<Payload<Partial<Result>>> {
  return async (_parent, args, context) => {
    const { em } = context;
    await em.begin();
    try {
      const result = await run(context, (args.input ?? {}) as Input);
      await em.commit();
      return { ...result, userErrors: result.userErrors ?? [] } as Payload<Partial<Result>>;
    } catch (error) {
      await em.rollback();
      em.clear();
      if (error instanceof UserInputError) return { userErrors: error.userErrors } as Payload<Partial<Result>>;
      throw error;
    }
  };
}
