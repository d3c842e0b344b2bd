/**
 * Decoding of builtin options tables into plain objects: camelCase keys, schema defaults filled in, enums as their
 * schema names. Driven by the field lists in `options-schema.ts`.
 */
import type { Options, OptionValue } from '../ir';
import { join, type Table } from './bounds';
import { BUILTIN_OPTIONS, BUILTIN_OPTIONS_2, ENUMS } from './options-schema';

type Scalar = 'bool' | 'i32' | 'u32' | 'i64' | 'f32' | 'str';
type VectorKind = 'i32[]' | 'i64[]' | 'f32[]' | 'u8[]' | 'u32[]';

interface FieldSpec {
  id: number;
  name: string;
  kind: Scalar | VectorKind | { enumName: string; size: 1 | 4; names: readonly string[] };
  dflt: OptionValue | null;
}

/** A decodable options table. */
export interface OptionsSpec {
  typeName: string;
  fields: readonly FieldSpec[];
}

const SCALARS: readonly string[] = ['bool', 'i32', 'u32', 'i64', 'f32', 'str'];
const VECTORS: readonly string[] = ['i32[]', 'i64[]', 'f32[]', 'u8[]', 'u32[]'];

function parseFields(typeName: string, text: string): FieldSpec[] {
  const fields: FieldSpec[] = [];
  const words = text.split(' ').filter((w) => w !== '');
  words.forEach((word, id) => {
    if (word === '-') return;
    const [name = '', kindAndDefault = ''] = word.split(':');
    const [kindName = '', dfltText] = kindAndDefault.split('=');
    let kind: FieldSpec['kind'];
    let dflt: OptionValue | null;
    if (SCALARS.includes(kindName)) {
      kind = kindName as Scalar;
      if (kind === 'str') dflt = null;
      else if (kind === 'bool') dflt = dfltText === 'true';
      else dflt = dfltText === undefined ? 0 : Number(dfltText);
    } else if (VECTORS.includes(kindName)) {
      kind = kindName as VectorKind;
      dflt = null;
    } else {
      const e = ENUMS[kindName];
      // A typo in the spec is a programming error, caught by the first test that loads this module.
      if (e === undefined) throw new Error(`options-schema: unknown kind '${kindName}' in ${typeName}.${name}`);
      kind = { enumName: kindName, size: e.size, names: e.names };
      dflt = dfltText ?? e.names[0] ?? null;
    }
    fields.push({ id, name, kind, dflt });
  });
  return fields;
}

function compile(list: readonly (readonly [string, string])[]): OptionsSpec[] {
  return list.map(([typeName, text]) => ({ typeName, fields: parseFields(typeName, text) }));
}

const SPECS_1 = compile(BUILTIN_OPTIONS);
const SPECS_2 = compile(BUILTIN_OPTIONS_2);

/**
 * The options table a union type id refers to: `union` 1 is `BuiltinOptions`, 2 is `BuiltinOptions2`. Null for 0
 * (NONE) and for ids newer than this reader, which are tolerated: such a model can still be analysed.
 */
export function optionsSpec(union: 1 | 2, typeId: number): OptionsSpec | null {
  if (typeId === 0) return null;
  return (union === 1 ? SPECS_1 : SPECS_2)[typeId - 1] ?? null;
}

/** Decodes an options table per its spec. An enum value the schema does not name is a 'bad-value' error. */
export function decodeOptions(table: Table, spec: OptionsSpec): Options {
  const out: Options = {};
  for (const f of spec.fields) {
    const value = decodeField(table, f);
    if (value !== null) out[f.name] = value;
  }
  return out;
}

function decodeField(t: Table, f: FieldSpec): OptionValue | null {
  const { id, name, kind } = f;
  switch (kind) {
    case 'bool': return t.bool(id, name, f.dflt === true);
    case 'i32': return t.i32(id, name, f.dflt as number);
    case 'u32': return t.u32(id, name, f.dflt as number);
    case 'i64': return t.i64(id, name, f.dflt as number);
    case 'f32': return t.f32(id, name, f.dflt as number);
    case 'str': return t.string(id, name) ?? '';
    case 'i32[]': return t.i32s(id, name) ?? [];
    case 'i64[]': return t.i64s(id, name) ?? [];
    case 'f32[]': return t.f32s(id, name) ?? [];
    case 'u8[]': return t.u8s(id, name) ?? [];
    case 'u32[]': return t.u32s(id, name) ?? [];
    default: {
      const dflt = kind.names.indexOf(f.dflt as string);
      // Byte enums in these tables are declared `byte` (signed) in the schema; read them signed so that a negative
      // value is reported as such rather than as 200-something.
      const value = kind.size === 1 ? t.i8(id, name, dflt) : t.u32(id, name, dflt);
      const label = kind.names[value];
      if (label === undefined) {
        t.file.fail('bad-value', t.pos, join(t.where, name), `is ${value}, not a known ${kind.enumName} value`);
      }
      return label;
    }
  }
}
