/** Which files are models (pure: no vscode import, unit-tested). */

/**
 * True for a TF.js model.json: a JSON object with `modelTopology` or `weightsManifest`, what every TF.js model has.
 * A web project's other model.json files (an app's data model, a schema) are not models.
 */
export function isTfjsModelText(text: string): boolean {
  try {
    const json = JSON.parse(text) as unknown;
    return json !== null && typeof json === 'object' && !Array.isArray(json) && ('modelTopology' in json || 'weightsManifest' in json);
  } catch {
    return false;
  }
}
