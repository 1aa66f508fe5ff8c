import { defineEntity, p } from '@mikro-orm/core';

/** A person. Users are global; what they may see is decided by their memberships. */
export const UserSchema = defineEntity({
  name: 'User',
  tableName: 'app_user',
  properties: {
    id: p.string().primary(),
    /** Stored lower-cased; unique across the platform. */
    email: p.string().length(254).unique(),
    name: p.string().length(100),
    /** scrypt, with its parameters: `scrypt$N$r$p$salt$hash`. */
    passwordHash: p.string().lazy(),
    createdAt: p.datetime(),
  },
});
export class User extends UserSchema.class {}
UserSchema.setClass(User);
