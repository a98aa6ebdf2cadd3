import { useEffect, useState } from 'react';
import type { EngineInfo } from '../../../shared/engine-info';
import { useStudioApi } from '../api/context';

export function StatusBar() {
  const api = useStudioApi();
  const [info, setInfo] = useState<EngineInfo | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api.call('engine.info', {}).then(setInfo, (err: Error) => setError(err.message));
  }, [api]);

  const providers = info?.executionProviders.map((p) => (p.bundled ? p.name : `${p.name} (not installed)`)).join(', ');
  return (
    <footer className="status-bar" role="status" aria-label="Engine status">
      {error && <span className="error">Engine unavailable: {error}</span>}
      {!error && !info && <span>Connecting to the engine…</span>}
      {info && (
        <>
          <span>Kiln {info.kilnVersion}</span>
          <span>
            {info.onnxruntimeVersion ? `ONNX Runtime ${info.onnxruntimeVersion}` : `ONNX Runtime unavailable`}
          </span>
          <span title="Execution providers in this ONNX Runtime build">Providers: {providers || 'none'}</span>
          <span>{info.cpuThreads} CPU threads</span>
          <span>{info.nativeAddon.version ? `Native addon ${info.nativeAddon.version}` : 'Native addon missing'}</span>
          <span className="home" title="Kiln home">
            {info.home}
          </span>
        </>
      )}
    </footer>
  );
}
