import { z } from 'zod';
import { clientRef, freeText, oneLine, withoutCardNumber } from '../shared/text.js';
import { ROLES } from './roles.js';

export const operatorId = withoutCardNumber(
  z
    .string()
    .trim()
    .regex(/^[a-z][a-z0-9._-]{1,31}$/, 'an operator name is 2 to 32 characters: lower-case letters, digits, dot, dash or underscore, starting with a letter'),
);
export const role = z.enum(ROLES, { message: `must be one of ${ROLES.join(', ')}` });
/** New passwords: at least 12 characters (the demo operators of `cardops seed` keep `demo`, flagged as demo). */
export const MIN_PASSWORD_LENGTH = 12;
export const password = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `at least ${MIN_PASSWORD_LENGTH} characters: a passphrase of a few words is easy to remember`)
  .max(200, 'at most 200 characters');
const requestId = clientRef('request id', 200);

export const operatorCommandSchemas = {
  CreateOperator: z.strictObject({ type: z.literal('CreateOperator'), operatorId, displayName: oneLine(80), role, password }),
  ChangeOperatorRole: z.strictObject({ type: z.literal('ChangeOperatorRole'), operatorId, role }),
  ResetOperatorPassword: z.strictObject({ type: z.literal('ResetOperatorPassword'), operatorId, password }),
  DisableOperator: z.strictObject({ type: z.literal('DisableOperator'), operatorId, reason: freeText(500) }),
  EnableOperator: z.strictObject({ type: z.literal('EnableOperator'), operatorId }),
  ApproveRoleGrant: z.strictObject({ type: z.literal('ApproveRoleGrant'), operatorId, requestId }),
  RejectRoleGrant: z.strictObject({ type: z.literal('RejectRoleGrant'), operatorId, requestId, reason: freeText(500) }),
};
