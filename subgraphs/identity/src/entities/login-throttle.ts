import { defineEntity, p } from '@mikro-orm/core';

/**
 * Failed log-ins per account (`email:<address>`, whether or not the account exists) and per client
 * address (`ip:<address>`), with the lock they earned.
 */
export const LoginThrottleSchema = defineEntity({
  name: 'LoginThrottle',
  properties: {
    key: p.string().length(300).primary(),
    failures: p.integer(),
    lastFailureAt: p.datetime(),
    lockedUntil: p.datetime().nullable(),
  },
});
export class LoginThrottle extends LoginThrottleSchema.class {}
LoginThrottleSchema.setClass(LoginThrottle);
