export { defineNode, type NodeDefinition, type PortKind, type InputPort, type RetryPolicy, type Stage } from './node-definition';
export { createNodeDefinitionRegistry, type NodeDefinitionRegistry } from './node-definition-registry';
export { validateGraph, type ExecutionPlan } from './validate-graph';
export type { GraphProblem } from './graph-problems';
export { workflowGraphSchema, formatPath, type WorkflowGraph, type GraphNode, type GraphEdge } from './workflow-graph';
export { describeNodeTypes, describeNodeType, type NodeTypeDescription, type JsonSchema } from './describe-node-types';
export { graphLimits } from './graph-limits';
export {
  readPromptLength,
  scriptLength,
  scriptLengthDefaults,
  scriptLengthBounds,
  spokenSecondsOf,
  wordsPerSecondOf,
  type PromptLength,
  type ScriptLengthParams,
} from './script-length';
export {
  maxOutputProfiles,
  outputAspects,
  outputProfileNames,
  previewProfileName,
  publishedProfileNames,
  x264Presets,
  type OutputAspect,
  type X264Preset,
} from './render-options';
export { builtInNodeDefinitions, builtInNodeDefinitionRegistry } from './definitions/built-in-node-definitions';
export { inputStockDefinition, assetTagPattern, assetTagProblem } from './definitions/input-stock.definition';
export { scriptGenerateDefinition } from './definitions/script-generate.definition';
export { voiceTtsDefinition } from './definitions/voice-tts.definition';
export { subtitleAutoDefinition } from './definitions/subtitle-auto.definition';
export { editTimelineDefinition } from './definitions/edit-timeline.definition';
export { outputRenderDefinition } from './definitions/output-render.definition';
export { parseTemplateSpec, type TemplateSpec } from './templates/template-spec';
export { templateSpecLimits } from './templates/template-spec-limits';
