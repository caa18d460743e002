export { OpenAIScriptWriter, type OpenAIScriptWriterOptions } from './openai-script-writer';
export { OfflineScriptWriter } from './offline-script-writer';
export { createScriptWriters, type ScriptWritersConfig } from './create-script-writers';
export { chooseScriptWriter, type ScriptWriterName } from './choose-script-writer';
export { readPromptLength, type PromptLength } from './read-prompt-length';
export { splitSentences } from './split-sentences';
