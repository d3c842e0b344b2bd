/**
 * The MCU catalog (server/src/targets/, issue 3) as a TargetResolver: catalog ids and aliases resolve to their specs,
 * bare core names to a core without memory figures, anything else to `unknown` with suggestions. Inline boards keep
 * the built-in resolution.
 */
import { join } from 'node:path';
import { FileError, LIMITS, readTextFile } from '../files/read.js';
import { suggest } from '../manifest/suggest.js';
import { formatBytes, formatHertz } from '../manifest/units.js';
import { CATALOG, parseUserCatalog, resolveTarget, type Mcu } from '../targets/catalog.js';
import { inlineTargets, type TargetEntry, type TargetResolver, type TargetSpec } from './providers.js';

/** A resolver over `catalog` (the bundled one by default). */
export function catalogTargets(catalog: readonly Mcu[] = CATALOG): TargetResolver {
  const entries: TargetEntry[] = catalog.map((m) => ({ id: m.id, detail: describe(m) }));
  const names = catalog.flatMap((m) => [m.id, ...m.aliases]);
  return {
    resolve(ref) {
      if (ref.kind === 'inline') return inlineTargets.resolve(ref);
      const found = resolveTarget(ref.id, catalog);
      if (!found) return { kind: 'unknown', suggestions: suggest(ref.id, names) };
      if (!found.mcu) {
        return { kind: 'found', spec: { id: found.id, name: found.id, sramBytes: null, flashBytes: null, core: found.core, clockHz: null, fpu: null } };
      }
      return { kind: 'found', spec: specOf(found.mcu) };
    },
    entries: () => entries,
  };
}

function specOf(m: Mcu): TargetSpec {
  // The arena must fit one contiguous region: when the catalog knows the largest one, that is the SRAM that counts.
  const sramKiB = m.largestSramKiB ?? m.sramKiB;
  return {
    id: m.id,
    name: m.displayName,
    sramBytes: sramKiB === null ? null : sramKiB * 1024,
    flashBytes: m.flashKiB === null ? null : m.flashKiB * 1024,
    core: m.core,
    clockHz: m.clockMHz === null ? null : m.clockMHz * 1e6,
    fpu: m.fpu === null ? null : m.fpu !== 'none',
    mcu: m,
  };
}

function describe(m: Mcu): string {
  const s = specOf(m);
  const parts = [m.core, s.clockHz !== null ? formatHertz(s.clockHz) : null, s.sramBytes !== null ? `${formatBytes(s.sramBytes)} SRAM` : null, s.flashBytes !== null ? `${formatBytes(s.flashBytes)} flash` : null];
  return `${m.displayName}: ${parts.filter((p) => p !== null).join(', ')}`;
}

/** The workspace catalog file, read at each workspace root: the bundled schema, `{ "mcus": [...] }`. */
export const WORKSPACE_CATALOG = 'tinyml-targets.json';

/**
 * The bundled catalog plus the boards of `tinyml-targets.json` at the workspace roots, reloadable when that file
 * changes. A file that cannot be read or checked is logged and left out (the others and the bundled catalog stay).
 */
export class WorkspaceTargets implements TargetResolver {
  private current: TargetResolver = catalogTargets();
  /** The catalog in use (bundled plus the workspace files that loaded). */
  catalog: readonly Mcu[] = CATALOG;

  constructor(private readonly log: (message: string) => void) {}

  /** (Re)reads the catalog file of every root directory. */
  load(roots: readonly string[]): void {
    let catalog: readonly Mcu[] = CATALOG;
    for (const root of roots) {
      const file = join(root, WORKSPACE_CATALOG);
      let text: string;
      try {
        // Workspace content, even in Restricted Mode: a FIFO or a link to /dev/zero here must not stall initialize.
        text = readTextFile(file, { maxBytes: LIMITS.catalog });
      } catch (e) {
        if (!(e instanceof FileError)) throw e;
        if (e.code !== 'missing') this.log(`tinyml-lens: ${WORKSPACE_CATALOG} ignored, using the bundled catalog: cannot read ${e.message}`);
        continue;
      }
      try {
        catalog = parseUserCatalog(text, file, catalog);
      } catch (e) {
        this.log(`tinyml-lens: ${WORKSPACE_CATALOG} ignored, using the bundled catalog: ${(e as Error).message}`);
      }
    }
    this.catalog = catalog;
    this.current = catalogTargets(catalog);
  }

  resolve(ref: Parameters<TargetResolver['resolve']>[0]): ReturnType<TargetResolver['resolve']> {
    return this.current.resolve(ref);
  }

  entries(): readonly TargetEntry[] {
    return this.current.entries();
  }
}
