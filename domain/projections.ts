/** Every projection CardOps keeps, in the order they are applied. */
import type { Projection } from './eventstore/projection.js';
import { operatorsProjection } from './operators/projection.js';
import { systemProjection } from './system/projection.js';

export const PROJECTIONS: readonly Projection[] = [systemProjection, operatorsProjection];
