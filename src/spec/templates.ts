/**
 * `{{host.address}}`, `{{host.name}}` and `{{packages.NAME}}` in health
 * checks and steps; `{{run.id}}` and `{{commit.short}}` in steps only (a
 * check is the same whichever run asks it). Values come only from validated
 * names, addresses and versions, and from the run's own id and commit.
 */
export const TEMPLATE = /\{\{\s*([^}]*?)\s*\}\}/g;
const REFERENCE = /^(host\.(name|address)|packages\.([A-Za-z0-9_][A-Za-z0-9._+-]*)|(run\.id|commit\.short))$/;

export type TemplateReference =
  | { kind: 'host'; field: 'name' | 'address' }
  | { kind: 'package'; name: string }
  | { kind: 'run'; field: 'run.id' | 'commit.short' }
  | { kind: 'invalid'; text: string };

export interface TemplateUse {
  reference: TemplateReference;
  /** Offset of `{{` in the string. */
  offset: number;
}

export function templateUses(text: string): TemplateUse[] {
  return [...text.matchAll(TEMPLATE)].map((match) => {
    const inner = match[1] ?? '';
    const parsed = REFERENCE.exec(inner);
    let reference: TemplateReference;
    if (!parsed) reference = { kind: 'invalid', text: inner };
    else if (parsed[3] !== undefined) reference = { kind: 'package', name: parsed[3] };
    else if (parsed[4] !== undefined) reference = { kind: 'run', field: parsed[4] as 'run.id' | 'commit.short' };
    else reference = { kind: 'host', field: parsed[2] as 'name' | 'address' };
    return { reference, offset: match.index ?? 0 };
  });
}

export interface TemplateContext {
  host: { name: string; address: string };
  packages: Readonly<Record<string, string>>;
  /** Steps only: the run's id and its commit's short sha. */
  run?: { id: string; commitShort: string };
}

/** Resolves every template; validation guarantees they all exist. */
export function renderTemplate(text: string, context: TemplateContext): string {
  if (!text.includes('{{')) return text;
  return text.replace(TEMPLATE, (whole, inner: string) => {
    const parsed = REFERENCE.exec(inner.trim());
    if (!parsed) return whole;
    if (parsed[3] !== undefined)
      return Object.hasOwn(context.packages, parsed[3]) ? (context.packages[parsed[3]] ?? whole) : whole;
    if (parsed[4] !== undefined) {
      if (!context.run) return whole;
      return parsed[4] === 'run.id' ? context.run.id : context.run.commitShort;
    }
    return parsed[2] === 'name' ? context.host.name : context.host.address;
  });
}
