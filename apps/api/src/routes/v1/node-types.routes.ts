import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { builtInNodeDefinitionRegistry, describeNodeTypes } from '@fenta/graph';
import type { ApiContext } from '../../api-context';
import { errorResponses } from '../../http/error-responses';

const portKind = Type.String({ description: 'What flows through the port: script, footage, speech, captions, timeline or render.' });

const nodeTypeSchema = Type.Object(
  {
    type: Type.String({ description: 'The name a graph node gives as its `type`, e.g. `Voice.TTS`.' }),
    stage: Type.String({ description: 'The stage its job log lines carry: ingest, script, tts, subtitle, edit or export.' }),
    description: Type.String(),
    params: Type.Record(Type.String(), Type.Unknown(), {
      description: 'The params a node may give, as a JSON Schema (draft-07) document; a param with a default is not required.',
    }),
    inputs: Type.Record(Type.String(), Type.Object({ kind: portKind, optional: Type.Boolean() }), {
      description: 'Input ports by name; an edge without `toPort` goes to the first free input of its kind.',
    }),
    output: Type.Object({ kind: portKind }, { description: 'The one output port, `output`.' }),
    retry: Type.Object({ attempts: Type.Integer(), backoff_ms: Type.Integer() }),
    timeout_ms: Type.Integer(),
  },
  { $id: 'NodeType' },
);

/** The node types graphs are built from, as a graph editor needs them: params as JSON Schema, ports, policy. */
export async function registerNodeTypeRoutes(parent: FastifyInstance, _context: ApiContext): Promise<void> {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  // The registry is fixed at start-up, so its description is too.
  const nodeTypes = describeNodeTypes(builtInNodeDefinitionRegistry);

  app.get(
    '/node-types',
    {
      config: { scope: 'workflows:read' },
      schema: {
        tags: ['workflows'],
        summary: 'List every node type a graph may use, by type name',
        response: { 200: Type.Object({ data: Type.Array(nodeTypeSchema) }), ...errorResponses() },
      },
    },
    async () => ({ data: nodeTypes }),
  );
}
