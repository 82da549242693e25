import { z } from 'zod';
import { defineCommand } from '../backend/commandDef.js';
import { handleCommand } from '../commandHandler.js';
import { SETTINGS_STREAM, settingsChanges, settingsDecider } from './settings.js';

export const settingsCommands = {
  UpdateSettings: defineCommand({
    roles: ['admin'],
    schema: z.strictObject({ type: z.literal('UpdateSettings'), changes: settingsChanges }),
    handle: (env, c) => handleCommand(env.store, settingsDecider, SETTINGS_STREAM, c, env),
  }),
};
