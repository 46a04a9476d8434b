import { useEffect, useState } from 'preact/hooks';
import { request } from './api';
import { copyToClipboard } from './masked';

interface Code {
  code: string;
  period: number;
  remaining: number;
}

/**
 * The item's current TOTP code, from the server (GET /v1/secrets/{id}/totp),
 * with the seconds it stays valid counting down; a new code is fetched when
 * the period ends. Copy puts it on the clipboard (cleared after 30 seconds).
 */
export function TotpCode(props: {
  id: string;
  guard: (w: () => Promise<void>) => Promise<void>;
  setStatus: (s: string) => void;
}) {
  const [code, setCode] = useState<Code>();
  const [left, setLeft] = useState(0);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const fetchCode = () =>
      props.guard(async () => {
        const { data } = await request<Code>('GET', `/v1/secrets/${props.id}/totp`);
        if (stopped) return;
        setCode(data);
        setLeft(data.remaining);
        timer = setTimeout(() => void fetchCode(), Math.max(1, data.remaining) * 1000);
      });
    void fetchCode();
    const tick = setInterval(() => setLeft((s) => Math.max(0, s - 1)), 1000);
    return () => {
      stopped = true;
      clearTimeout(timer);
      clearInterval(tick);
    };
  }, [props.id]);
  if (!code) return <span>…</span>;
  return (
    <>
      <span class="secret" data-testid="totp-code">
        {code.code}
      </span>{' '}
      <span class="hint countdown" data-testid="totp-left">
        {left} s left
      </span>
      <button
        type="button"
        aria-label="Copy TOTP code"
        onClick={() => void props.guard(() => copyToClipboard(code.code, 'TOTP code', props.setStatus))}
      >
        Copy
      </button>
    </>
  );
}
