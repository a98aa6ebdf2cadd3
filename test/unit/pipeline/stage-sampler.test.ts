import { afterAll, describe, expect, it } from 'vitest';
import { demoViews } from '../../../src/core/diffusion/demo/build-demo-pack';
import { DemoPackParams } from '../../../src/core/diffusion/demo/demo-params';
import { openRunPrior, stageSampler, trainingSampler } from '../../../src/core/pipeline/open-run-prior';
import { resolveRunConfig } from '../../../src/core/pipeline/run-config';
import { makeTempHome } from '../../helpers/temp-home';

const temp = makeTempHome('kiln-stage-sampler-');
afterAll(temp.cleanup);

describe('a stage’s training cameras', () => {
  it('are the demo pack’s own poses when a DMTet stage asks for the prior’s poses, the orbit band otherwise', async () => {
    const prior = await openRunPrior(temp.home, 'demo', 1);
    try {
      const config = resolveRunConfig({
        prompt: 'a snowman',
        stages: [{ representation: 'gaussians' }, { representation: 'dmtet', settings: { cameras: 'prior-poses' } }, { representation: 'dmtet', settings: { cameras: 'orbit' } }],
      });
      const run = trainingSampler(prior);
      const [gaussians, poses, orbit] = config.stages.map((stage) => stageSampler(prior, run, stage));
      expect(gaussians).toEqual(run);
      expect(orbit).toEqual(run);
      expect(poses).toEqual({ ...run, views: demoViews(DemoPackParams.parse({ kind: 'pixel' })) });
      expect(poses!.views!.length).toBe(36);
    } finally {
      await prior.close();
    }
  });
});
