import type { QueryResolvers } from '../__generated__/resolvers.ts';

const isOperator = (principal: { kind: string; permissions?: readonly string[] }) => principal.permissions?.includes('platform.manage') === true;

export const Query: QueryResolvers = {
  plans: (_parent, args, context) => context.services.catalog.plans(Boolean(args.includeArchived) && isOperator(context.principal)),
  plan: (_parent, args, context) => context.services.catalog.planByKey(args.key),
  billingProvider: (_parent, _args, context) => context.services.paymentMethods.providerInfo(),
  subscriptionChangePreview: (_parent, args, context) => context.services.subscriptions.preview(args.input),
  invoice: (_parent, args, context) => context.services.invoices.byId(args.id),
};
