/**
 * Each JSON-RPC message to the client in one write. vscode-jsonrpc's stream writer writes a message's header and its
 * body in two writes, the second after the first has completed: over stdio that is two system calls per message and
 * a client that wakes up twice, once for a header it cannot use yet. The server publishes diagnostics on every edit,
 * so this is on the edit path (issue 15: edits p95 <= 2 ms). The bytes sent are the same.
 */
import { StreamMessageWriter } from 'vscode-languageserver/node';

interface TwoWriteWriter {
  writable: { write(data: Uint8Array | string, encoding?: BufferEncoding): Promise<void> };
  doWrite(msg: unknown, headers: string[], data: Uint8Array): Promise<void>;
  handleError(error: unknown, msg: unknown): void;
}

/** Makes the stream message writer send header and body together; a no-op if the library's writer has changed. */
export function writeMessagesWhole(): void {
  const proto = Object.getPrototypeOf(StreamMessageWriter.prototype) as TwoWriteWriter;
  if (typeof proto.doWrite !== 'function' || typeof proto.handleError !== 'function' || proto.doWrite.length !== 3) return;
  proto.doWrite = async function doWrite(this: TwoWriteWriter, msg: unknown, headers: string[], data: Uint8Array): Promise<void> {
    try {
      const header = Buffer.from(headers.join(''), 'ascii');
      return await this.writable.write(Buffer.concat([header, data], header.length + data.length));
    } catch (error) {
      this.handleError(error, msg);
      return Promise.reject(error);
    }
  };
}
