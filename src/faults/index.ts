export type { Fault, FaultContext, FaultDefinition, FaultEffect, PrepareContext } from './fault.js';
export { MAX_TIMELINE_FAULTS } from './timeline-entry.js';
export type { TimelineEntry } from './timeline-entry.js';
export { FaultTimeline } from './fault-timeline.js';
export { faultDefinition, faultDefinitions, faultKinds } from './registry.js';
export { assertRuntimeHostsFaults } from './runtime-requirement.js';
