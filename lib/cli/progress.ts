/**
 * Progress of long waits, on stderr: one updating line on a terminal, plain timestamped lines otherwise
 * (CI logs, pipes). Messages never contain object data, so they cannot leak secrets.
 */
import type { ProgressEvent } from '../dr/executor';

export interface ProgressPrinter {
  (event: ProgressEvent): void;
  /** End the updating line, if any. */
  close(): void;
}

export function progressPrinter(stream: NodeJS.WriteStream = process.stderr, started = Date.now()): ProgressPrinter {
  const tty = stream.isTTY === true;
  let phase = '-';
  let lastStatus = '';
  let open = false;
  // The counter is the recovery's age: from the recorded startTimestamp once a status is seen (a resumed run goes on
  // counting from where the record says it began), from this command's start before that.
  let since = started;
  const line = (text: string) => {
    const elapsed = `${Math.max(0, Math.round((Date.now() - since) / 1000))}s`;
    const out = `[${phase} ${elapsed}] ${text}`;
    if (tty) {
      stream.clearLine(0);
      stream.cursorTo(0);
      stream.write(out.slice(0, (stream.columns || 120) - 1));
      open = true;
    } else {
      stream.write(`${new Date().toISOString()} ${out}\n`);
    }
  };
  const print = ((event: ProgressEvent) => {
    switch (event.type) {
      case 'status':
        if (event.status.startTimestamp * 1000 <= Date.now()) since = event.status.startTimestamp * 1000;
        // One line per phase/reason change; condition-only updates show up as `waiting` messages.
        if (`${event.status.phase}|${event.status.reason}` === lastStatus) break;
        lastStatus = `${event.status.phase}|${event.status.reason}`;
        phase = event.status.phase;
        if (tty && open) stream.write('\n');
        line(`${event.status.phase}: ${event.status.reason || 'recorded'} (generation ${event.status.observedGeneration})`);
        if (tty) stream.write('\n');
        open = false;
        break;
      case 'apply':
        line(`applying the ${event.form} form (${event.objects} objects)`);
        break;
      case 'waiting':
        line(event.message);
        break;
      case 'notice':
      case 'warning':
        if (tty && open) stream.write('\n');
        stream.write(`${event.type}: ${event.message}\n`);
        open = false;
        break;
    }
  }) as ProgressPrinter;
  print.close = () => {
    if (tty && open) stream.write('\n');
    open = false;
  };
  return print;
}
