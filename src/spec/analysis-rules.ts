/**
 * Rules of a playbook's `analysis` the schema cannot state: metric names are
 * unique (they label measurements), and a Prometheus query uses only the
 * templates it can be given — `{{batch.addresses}}`, `{{batch.hosts}}`,
 * `{{group}}` — each reported where it is written.
 */
import { specError, type SpecError } from './errors.js';
import { QUERY_REFERENCES, queryTemplateUses } from './query-templates.js';
import type { PlaybookSpec } from './schema.js';
import type { ValidFile } from './spec-file.js';
import { didYouMean, listOf } from './suggest.js';

export function analysisRules({ file, yaml, spec }: ValidFile<PlaybookSpec>): SpecError[] {
  const errors: SpecError[] = [];
  const seen = new Set<string>();
  for (const [index, metric] of (spec.analysis?.metrics ?? []).entries()) {
    const path = ['analysis', 'metrics', index];
    if (seen.has(metric.name))
      errors.push(
        specError(
          file,
          `metric name "${metric.name}" is used twice: each metric needs its own name`,
          yaml.at([...path, 'name']),
        ),
      );
    seen.add(metric.name);
    const query = metric.prometheus?.query;
    if (query === undefined) continue;
    for (const use of queryTemplateUses(query)) {
      if (use.reference !== undefined) continue;
      const inner = use.text.slice(2, -2).trim();
      errors.push(
        specError(
          file,
          `${use.text} is not a template a query can use${didYouMean(inner, QUERY_REFERENCES)}; templates: ${listOf(QUERY_REFERENCES.map((r) => `{{${r}}}`))}`,
          yaml.within([...path, 'prometheus', 'query'], use.text),
        ),
      );
    }
  }
  return errors;
}
