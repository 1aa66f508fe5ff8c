import { ApiKeySchema } from './api-key.ts';
import { InvitationSchema } from './invitation.ts';
import { LoginThrottleSchema } from './login-throttle.ts';
import { MembershipSchema } from './membership.ts';
import { OrganizationSchema } from './organization.ts';
import { PersistedOperationSchema } from './persisted-operation.ts';
import { RefreshTokenSchema, SessionSchema } from './session.ts';
import { UserSchema } from './user.ts';

export { ApiKey } from './api-key.ts';
export { Invitation } from './invitation.ts';
export { LoginThrottle } from './login-throttle.ts';
export { Membership } from './membership.ts';
export { Organization } from './organization.ts';
export { PersistedOperation } from './persisted-operation.ts';
export { RefreshToken, Session } from './session.ts';
export { User } from './user.ts';

export const entities = [
  OrganizationSchema,
  UserSchema,
  MembershipSchema,
  InvitationSchema,
  SessionSchema,
  RefreshTokenSchema,
  ApiKeySchema,
  LoginThrottleSchema,
  PersistedOperationSchema,
];
