import type { NodeType } from './define-node-type';
import { createNodeRegistry } from './node-registry';
import { editTimelineNode } from './edit-timeline.node';
import { inputStockNode } from './input-stock.node';
import { outputRenderNode } from './output-render.node';
import { scriptGenerateNode } from './script-generate.node';
import { subtitleAutoNode } from './subtitle-auto.node';
import { voiceTtsNode } from './voice-tts.node';

/** Every node type Fenta ships, under the names of seed 000's sample graph. */
export const builtInNodeTypes: NodeType[] = [
  inputStockNode as NodeType,
  scriptGenerateNode as NodeType,
  voiceTtsNode as NodeType,
  subtitleAutoNode as NodeType,
  editTimelineNode as NodeType,
  outputRenderNode as NodeType,
];

/** The registry apps use; a duplicate type name fails here, at start-up. */
export const builtInNodeRegistry = createNodeRegistry(builtInNodeTypes);
