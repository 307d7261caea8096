// The options endpoint (MCC catalogue, region tree) is fetched once per session and shared.
import { FacetofaceAPI, type FacetofaceOptions } from '@/api/module_payment/facetoface'

let cached: Promise<FacetofaceOptions> | null = null

export function loadOptions(): Promise<FacetofaceOptions> {
  if (!cached) {
    cached = Promise.resolve()
      .then(() => FacetofaceAPI.options())
      .then(
      (o) => ({ version: o?.version ?? '', mcc: o?.mcc ?? [], regions: o?.regions ?? [], statuses: o?.statuses ?? [] }),
      (e: unknown) => {
        cached = null
        throw e
      },
    )
  }
  return cached
}

/** For tests. */
export function resetOptionsCache(): void {
  cached = null
}
