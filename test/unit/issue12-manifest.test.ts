import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseManifest } from '../../server/src/manifest/parse.js';

test('input_shapes: maps input names and positions to dimensions, each entry located', () => {
  const text = 'model: m.tflite\ninput_shapes:\n  image: [1, 96, 96, 3]\n  1: [1, 40]\n';
  const { manifest, problems } = parseManifest(text);
  assert.deepEqual(problems, []);
  assert.deepEqual(manifest.inputShapes?.value.map((e) => [e.input, e.shape]), [['image', [1, 96, 96, 3]], [1, [1, 40]]]);
  const first = manifest.inputShapes!.value[0]!;
  assert.equal(text.slice(first.keySpan.start, first.keySpan.end), 'image');
  assert.equal(text.slice(first.span.start, first.span.end), '[1, 96, 96, 3]');
});

test('input_shapes: a shape that is not a list of whole dimensions >= 1 is a located wrong-type problem', () => {
  const text = 'model: m.tflite\ninput_shapes:\n  image: [1, 0, 96]\n  audio: 40\n  ok: [1, 2]\n';
  const { manifest, problems } = parseManifest(text);
  assert.deepEqual(problems.map((p) => [p.code, 'path' in p ? p.path : '', 'expected' in p ? p.expected : '']), [
    ['wrong-type', 'input_shapes.image', 'shape'],
    ['wrong-type', 'input_shapes.audio', 'shape'],
  ]);
  assert.equal(text.slice(problems[0]!.span.start, problems[0]!.span.end), '[1, 0, 96]');
  assert.deepEqual(manifest.inputShapes?.value.map((e) => e.input), ['ok']);
  assert.equal(parseManifest('model: m.tflite\ninput_shapes: [1, 2]\n').problems[0]?.code, 'wrong-type');
});
