// How a prompt states a script's length is part of Script.Generate's params, so it lives with the node definition.
export { readPromptLength, type PromptLength } from '@fenta/graph';
