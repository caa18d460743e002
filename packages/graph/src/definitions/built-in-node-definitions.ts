import type { NodeDefinition } from '../node-definition';
import { createNodeDefinitionRegistry } from '../node-definition-registry';
import { editTimelineDefinition } from './edit-timeline.definition';
import { inputStockDefinition } from './input-stock.definition';
import { outputRenderDefinition } from './output-render.definition';
import { scriptGenerateDefinition } from './script-generate.definition';
import { subtitleAutoDefinition } from './subtitle-auto.definition';
import { voiceTtsDefinition } from './voice-tts.definition';

/** Every node type Fenta ships, under the names of seed 000's sample graph. */
export const builtInNodeDefinitions: NodeDefinition[] = [
  inputStockDefinition,
  scriptGenerateDefinition,
  voiceTtsDefinition,
  subtitleAutoDefinition,
  editTimelineDefinition,
  outputRenderDefinition,
];

/** The registry graph validation uses in processes that do not run nodes (API, scheduler, CLI). */
export const builtInNodeDefinitionRegistry = createNodeDefinitionRegistry(builtInNodeDefinitions);
