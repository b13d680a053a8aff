import {
  EVENT_CATALOGUE,
  EVENT_PARTIES,
  EVENT_TYPES,
  EventDefinition,
  EventParty,
  eventEnvelopeSchema,
} from '@app/contracts';
import type { JsonSchema } from '@app/testing/json-schema-arbitrary';
import { jsonSchemaOf } from '@app/testing/published-schema';
import { ENVELOPE_FIELDS } from './asyncapi-document';

// The generated part of docs/messaging.md's "Integration events (catalogue)": a table of the
// events and a mermaid flowchart of who emits what and who listens, between two markers.

export const BEGIN =
  '<!-- generated from libs/contracts/src/events by `npm run docs:events`: do not edit -->';
export const END = '<!-- end of the generated catalogue -->';

const node = (party: EventParty) => party.replaceAll('-', '_');
const events = () =>
  EVENT_TYPES.map((type) => [type, EVENT_CATALOGUE[type] as EventDefinition] as const);

/** A field's schema in a few words: `uuid`, `integer >= 1`, a pattern, an enum, lengths. */
function shapeOf(schema: JsonSchema): string {
  if (schema.format) return schema.format;
  if (schema.enum) return schema.enum.map((v: string) => `\`${v}\``).join(', ');
  if (schema.pattern) return `string \`${schema.pattern}\``;
  if (schema.type === 'string')
    return `string, ${schema.minLength ?? 0}-${schema.maxLength} characters`;
  if (schema.type === 'integer') return `integer >= ${schema.minimum}`;
  return schema.type;
}

function envelopeTable(): string[] {
  const json = jsonSchemaOf(eventEnvelopeSchema);
  return [
    '| field | value | meaning |',
    '| --- | --- | --- |',
    ...Object.entries<JsonSchema>(json.properties).map(([field, schema]) => {
      const optional = json.required.includes(field) ? '' : ' (optional)';
      return `| \`${field}\`${optional} | ${shapeOf(schema).replaceAll('|', '\\|')} | ${ENVELOPE_FIELDS[field]} |`;
    }),
  ];
}

function table(): string[] {
  const rows = events().map(([type, event]) => {
    const consumers = Object.entries(event.consumers)
      .map(([consumer, what]) => `**${consumer}** ${what}`)
      .join('; ');
    const versions = Object.keys(event.payloads).join(', ');
    return `| \`${type}\` | ${event.producer} | ${event.summary} | ${consumers || '(none yet)'} | ${event.version} (${versions}) |`;
  });
  return [
    '| event | producer | the fact | consumers: what each does | version (accepted) |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
  ];
}

/** One arrow per producer and consumer pair, labelled with its events; dotted: no consumer. */
function flowchart(): string[] {
  const edges = new Map<string, string[]>();
  const add = (key: string, type: string) => edges.set(key, [...(edges.get(key) ?? []), type]);
  for (const [type, event] of events()) {
    const consumers = Object.keys(event.consumers) as EventParty[];
    for (const consumer of consumers) add(`${node(event.producer)} --> ${node(consumer)}`, type);
    if (!consumers.length) add(`${node(event.producer)} -.-> nobody`, type);
  }
  const used = new Set([...edges.keys()].flatMap((edge) => edge.split(/ -\.?-> /)));
  return [
    '```mermaid',
    'flowchart LR',
    ...EVENT_PARTIES.filter((p) => used.has(node(p))).map((p) => `  ${node(p)}([${p}])`),
    ...(used.has('nobody') ? ['  nobody((no consumer yet))'] : []),
    ...[...edges].map(([edge, types]) => {
      const [from, arrow, to] = edge.split(' ');
      return `  ${from} ${arrow}|"${types.join('<br/>')}"| ${to}`;
    }),
    '```',
  ];
}

/** The generated block, markers included (before prettier). */
export function catalogueMarkdown(): string {
  return [
    BEGIN,
    '',
    '### The envelope',
    '',
    ...envelopeTable(),
    '',
    '### The events',
    '',
    ...table(),
    '',
    '### Who emits what, who listens',
    '',
    ...flowchart(),
    '',
    END,
  ].join('\n');
}

/** `doc` with its generated block replaced by `block`; throws when the markers are missing. */
export function withCatalogue(doc: string, block: string): string {
  const begin = doc.indexOf(BEGIN);
  const end = doc.indexOf(END);
  if (begin < 0 || end < begin)
    throw new Error(`docs/messaging.md lacks the markers ${BEGIN} … ${END}`);
  return doc.slice(0, begin) + block + doc.slice(end + END.length);
}
