import assert from 'node:assert/strict';
import { test } from 'node:test';

import { allocatedCleanly, failingNode, kv, prepRows } from '../../tools/tflm-harness/parse.js';

const build = { core: 'cortex-m55', kernels: 'cmsis_nn' };

test('kv reads the key=value pairs of a harness line', () => {
  assert.deepEqual(kv('ALLOC status=ok arena=1024 used=676 head=32 tail=644'), {
    status: 'ok', arena: '1024', used: '676', head: '32', tail: '644',
  });
});

test('prepRows turns PREP lines into rows, with the scratch buffers counted and summed', () => {
  const lines = [
    'LOG something',
    'PREP sg=0 node=0 op=DEPTHWISE_CONV_2D scratch=4464 tail=96',
    'PREP sg=0 node=1 op=FULLY_CONNECTED scratch=0 tail=128',
    'PREP sg=1 node=0 op=CONV_2D scratch=1024+16 tail=0',
    'PREP sg=1 node=1 op=CONV_2D scratch=',
    'ALLOC status=ok arena=1 used=1 head=1 tail=1',
  ];
  assert.deepEqual(prepRows('m', build, lines), [
    ['m', 'cortex-m55', 'cmsis_nn', '0', '0', 'DEPTHWISE_CONV_2D', '1', '4464', '4464', '96'],
    ['m', 'cortex-m55', 'cmsis_nn', '0', '1', 'FULLY_CONNECTED', '0', '0', '0', '128'],
    ['m', 'cortex-m55', 'cmsis_nn', '1', '0', 'CONV_2D', '2', '1040', '1024+16', '0'],
  ]);
});

test('failingNode names the node TFLM reports, or a missing kernel', () => {
  assert.equal(failingNode(['LOG Node CONV_2D (number 3f) failed to prepare with status 1']), 'CONV_2D@3');
  assert.equal(failingNode(['LOG Failed to get registration from op code REDUCE_PROD ']), 'no-kernel:REDUCE_PROD');
  assert.equal(failingNode(['ALLOC status=error']), '');
});

test('allocatedCleanly: an ok AllocateTensors() after a failed persistent allocation does not count', () => {
  assert.equal(allocatedCleanly(['ALLOC status=ok arena=9700 used=9256 head=768 tail=8488', 'DONE']), true);
  assert.equal(allocatedCleanly(['ALLOC status=error arena=9000 used=0 head=148 tail=8360']), false);
  assert.equal(allocatedCleanly([
    'LOG Failed to allocate tail memory. Requested: 2560, available 1200, missing: 1360',
    'ALLOC status=ok arena=7140 used=6696 head=768 tail=5928',
  ]), false);
});
