// A VIP card on the virtual NFC reader: vsmartcard's vpcd (loaded by pcscd) takes its card over
// TCP on 127.0.0.1:35963. While the connection is open the reader has a card; closing it takes
// the card away. Framing: a 2-byte big-endian length, then the payload; a 1-byte payload is a
// control from the reader (0 power off, 1 power on, 2 reset, 4 send the ATR), anything longer is
// an APDU the card answers. The card answers GET UID (`FF CA 00 00 00`) with its UID and 90 00.
import net from "node:net";

export const VPCD_PORT = 35963;
/** The name pcscd gives vpcd's first reader. */
export const VPCD_READER = "Virtual PCD 00 00";

/** ATR of a MIFARE Classic 1K behind a PC/SC contactless reader (PC/SC part 3). */
const ATR = Buffer.from([
  0x3b, 0x8f, 0x80, 0x01, 0x80, 0x4f, 0x0c, 0xa0, 0x00, 0x00, 0x03, 0x06, 0x03, 0x00, 0x01,
  0x00, 0x00, 0x00, 0x00, 0x6a,
]);
const GET_UID = Buffer.from([0xff, 0xca, 0x00, 0x00, 0x00]);

/**
 * Puts a card with `uidHex` on the reader; resolves once the reader has it (connected). The
 * returned card's `remove()` takes it away; `reads` counts the UID reads it answered.
 */
export function tapCard(uidHex, { port = VPCD_PORT } = {}) {
  const uid = Buffer.from(uidHex, "hex");
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1");
    let pending = Buffer.alloc(0);
    const card = {
      reads: 0,
      remove: () =>
        new Promise((done) => {
          socket.once("close", () => done());
          socket.end();
          setTimeout(() => socket.destroy(), 200);
        }),
    };
    const send = (payload) => {
      const head = Buffer.alloc(2);
      head.writeUInt16BE(payload.length);
      socket.write(Buffer.concat([head, payload]));
    };
    socket.on("data", (chunk) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 2) {
        const length = pending.readUInt16BE(0);
        if (pending.length < 2 + length) break;
        const message = pending.subarray(2, 2 + length);
        pending = pending.subarray(2 + length);
        if (length === 1) {
          if (message[0] === 4) send(ATR);
        } else if (message.equals(GET_UID)) {
          card.reads += 1;
          send(Buffer.concat([uid, Buffer.from([0x90, 0x00])]));
        } else {
          send(Buffer.from([0x6d, 0x00])); // instruction not supported
        }
      }
    });
    socket.once("connect", () => resolve(card));
    socket.once("error", reject);
  });
}
