import { useEffect, useState } from 'react';
import { blobUrlPath } from '../../../../shared/blobs';
import { useStudioApi } from '../../api/context';
import { isDesktopApp } from '../../api/desktop-app';

/**
 * An <img>-usable URL for a blob in the store: `kiln serve` serves it by hash; in Electron (no HTTP server) the bytes
 * come over IPC through snapshots.payload and become an object URL for as long as the component shows them.
 */
export function useBlobUrl(blob: string | null, type = 'image/png'): string | null {
  const api = useStudioApi();
  const overIpc = isDesktopApp();
  const [objectUrl, setObjectUrl] = useState<string | null>(null);

  useEffect(() => {
    if (!blob || !overIpc) return;
    let url: string | null = null;
    let cancelled = false;
    api.call('snapshots.payload', { blob }).then(
      (bytes) => {
        if (cancelled) return;
        url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type }));
        setObjectUrl(url);
      },
      () => !cancelled && setObjectUrl(null),
    );
    return () => {
      cancelled = true;
      if (url) URL.revokeObjectURL(url);
      setObjectUrl(null);
    };
  }, [api, blob, overIpc, type]);

  if (!blob) return null;
  return overIpc ? objectUrl : blobUrlPath(blob);
}
