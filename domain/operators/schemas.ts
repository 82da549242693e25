import { z } from 'zod';
import { freeText, oneLine, withoutCardNumber } from '../shared/text.js';
import { ROLES } from './roles.js';

export const operatorId = withoutCardNumber(
  z
    .string()
    .trim()
    .regex(/^[a-z][a-z0-9._-]{1,31}$/, 'an operator name is 2 to 32 characters: lower-case letters, digits, dot, dash or underscore, starting with a letter'),
);
export const role = z.enum(ROLES, { message: `must be one of ${ROLES.join(', ')}` });
export const password = z.string().min(4, 'at least 4 characters').max(200, 'at most 200 characters');

export const operatorCommandSchemas = {
  CreateOperator: z.strictObject({ type: z.literal('CreateOperator'), operatorId, displayName: oneLine(80), role, password }),
  ChangeOperatorRole: z.strictObject({ type: z.literal('ChangeOperatorRole'), operatorId, role }),
  ResetOperatorPassword: z.strictObject({ type: z.literal('ResetOperatorPassword'), operatorId, password }),
  DisableOperator: z.strictObject({ type: z.literal('DisableOperator'), operatorId, reason: freeText(500) }),
  EnableOperator: z.strictObject({ type: z.literal('EnableOperator'), operatorId }),
};
