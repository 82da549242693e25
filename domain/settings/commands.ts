import { z } from 'zod';
import { defineCommand } from '../backend/commandDef.js';
import { handleCommand } from '../commandHandler.js';
import { grantFor } from '../controls/fourEyes.js';
import { clientRef, freeText } from '../shared/text.js';
import { settingsControlDecider } from './controls.js';
import { SETTINGS_STREAM, settingsChanges } from './settings.js';

const requestId = clientRef('request id', 200);

export const settingsCommands = {
  /** A control section (credit policy, refunds, sign-in) waits for a second admin once there are two. */
  UpdateSettings: defineCommand({
    roles: ['admin'],
    schema: z.strictObject({ type: z.literal('UpdateSettings'), changes: settingsChanges }),
    handle: async (env, c) => {
      const grant = await grantFor(env);
      return handleCommand(env.store, settingsControlDecider, SETTINGS_STREAM, { ...c, ...(grant ? { grant } : {}) }, env);
    },
  }),
  ApproveSettingsChange: defineCommand({
    roles: ['admin'],
    schema: z.strictObject({ type: z.literal('ApproveSettingsChange'), requestId }),
    handle: (env, c) => handleCommand(env.store, settingsControlDecider, SETTINGS_STREAM, { ...c, approvedBy: env.operatorId }, env),
  }),
  RejectSettingsChange: defineCommand({
    roles: ['admin'],
    schema: z.strictObject({ type: z.literal('RejectSettingsChange'), requestId, reason: freeText(500) }),
    handle: (env, c) => handleCommand(env.store, settingsControlDecider, SETTINGS_STREAM, { ...c, rejectedBy: env.operatorId }, env),
  }),
};
