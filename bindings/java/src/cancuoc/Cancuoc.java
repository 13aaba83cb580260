// cancuoc for Java and Kotlin on the JVM (desktop, server, Android): a JNA wrapper over the C ABI
// (crates/cancuoc-ffi/include/cancuoc.h). One file; needs JNA 5 (net.java.dev.jna:jna, Debian's
// libjna-java) and libcancuoc_ffi.so / cancuoc_ffi.dll on jna.library.path. The requests and
// answers are the C ABI's JSON (docs/DESIGN.md §3.5-3.6); a failure throws CancuocException.
//
//     String answer = Cancuoc.read("{\"key\":{\"id\":\"001090012345\"},\"trust\":[\"csca.der\"]}");
//     // A card the program holds (Android IsoDep, javax.smartcardio): cancuoc calls transmit.
//     String held = Cancuoc.readTransport("{\"key\":{\"can\":\"012345\"}}", isoDep::transceive);

package cancuoc;

import com.sun.jna.Callback;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.ptr.PointerByReference;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeoutException;

/** Reads and verifies Vietnam's CCCD and ICAO 9303 documents through cancuoc's C ABI. */
public final class Cancuoc {
    private Cancuoc() {}

    /** The C functions (cancuoc.h). */
    interface Lib extends Library {
        Lib C = Native.load("cancuoc_ffi", Lib.class);

        String cancuoc_version();

        int cancuoc_read(byte[] request, PointerByReference out);

        int cancuoc_demo(byte[] request, PointerByReference out);

        int cancuoc_verify(byte[] request, PointerByReference out);

        int cancuoc_read_transport(byte[] request, NativeTransport transport, PointerByReference out);

        int cancuoc_cancel_read(byte[] token);

        void cancuoc_string_free(Pointer text);

        Pointer cancuoc_virtual_card_new();

        int cancuoc_virtual_card_transmit(Pointer card, byte[] command, long commandLength, byte[] response,
                long responseCapacity, long[] responseLength);

        void cancuoc_virtual_card_free(Pointer card);
    }

    /** CancuocTransmitFn: one APDU through the program's link. size_t is a Java long (64-bit JVMs). */
    public interface TransmitCallback extends Callback {
        int invoke(Pointer userData, Pointer command, long commandLength, Pointer response, long responseCapacity,
                Pointer responseLength);
    }

    /** CancuocResetFn. */
    public interface ResetCallback extends Callback {
        int invoke(Pointer userData);
    }

    /** CancuocTransport: user data, transmit, reset. */
    @Structure.FieldOrder({"userData", "transmit", "reset"})
    public static class NativeTransport extends Structure {
        public Pointer userData;
        public TransmitCallback transmit;
        public ResetCallback reset;
    }

    /** Carries one command APDU to the card and returns its answer (data, then SW1 SW2). */
    @FunctionalInterface
    public interface Transmit {
        /**
         * Throw {@link CardLostException} when the card left the field (Android's TagLostException),
         * {@link TimeoutException} when it did not answer in time.
         */
        byte[] transmit(byte[] command) throws Exception;
    }

    /** Thrown by a {@link Transmit} when the card left the field or was pulled out. */
    public static final class CardLostException extends Exception {
        private static final long serialVersionUID = 1L;

        public CardLostException(String message) {
            super(message);
        }
    }

    /** A read or verification that failed: the C ABI's return code and the answer's error. */
    public static final class CancuocException extends Exception {
        private static final long serialVersionUID = 1L;

        /** 1 error, 2 bad request, 3 read but a check failed. */
        public final int code;
        /** no_reader, wrong_key, card_removed, card_error, bad_request, check_failed… */
        public final String errorCode;
        /** What to do, in Vietnamese (getMessage(): in English). */
        public final String messageVi;
        /** The whole answer (for code 3: the verdict and the report, no record to file). */
        public final String answerJson;

        CancuocException(int code, String answerJson) {
            super(Json.errorField(answerJson, "message"));
            this.code = code;
            this.errorCode = Json.errorField(answerJson, "code");
            this.messageVi = Json.errorField(answerJson, "message_vi");
            this.answerJson = answerJson;
        }
    }

    // The CANCUOC_LINK_* codes.
    private static final int LINK_OK = 0;
    private static final int LINK_CARD_LOST = 1;
    private static final int LINK_TIMEOUT = 2;
    private static final int LINK_ERROR = 3;

    /** The library's version. */
    public static String version() {
        return Lib.C.cancuoc_version();
    }

    /** Reads and checks the card on a PC/SC reader (cancuoc_read's request). */
    public static String read(String requestJson) throws CancuocException {
        PointerByReference out = new PointerByReference();
        return take(Lib.C.cancuoc_read(utf8(requestJson), out), out);
    }

    /** Reads the built-in virtual CCCD (a library built with the feature demo). */
    public static String demo(String requestJson) throws CancuocException {
        PointerByReference out = new PointerByReference();
        return take(Lib.C.cancuoc_demo(utf8(requestJson), out), out);
    }

    /** Checks a saved dump (cancuoc_verify's request). */
    public static String verify(String requestJson) throws CancuocException {
        PointerByReference out = new PointerByReference();
        return take(Lib.C.cancuoc_verify(utf8(requestJson), out), out);
    }

    /** Ends the reads whose request carried "cancel_token": token; true when one was ended. */
    public static boolean cancelRead(String token) {
        return Lib.C.cancuoc_cancel_read(utf8(token)) == 0;
    }

    /**
     * Reads and checks the card the program holds: cancuoc calls {@code transmit} for each command
     * APDU, on this thread. The request is {@link #read}'s without "reader" and "wait_seconds", plus
     * the link's hints {@code "link":{"max_apdu_data":N,"extended_length":false,"atr":"HEX",
     * "card_access":"BASE64"}}. An exception from {@code transmit} never crosses into the library:
     * {@link CardLostException} and {@link TimeoutException} end the read with "card_removed", any
     * other (or a null answer) with "card_error".
     */
    public static String readTransport(String requestJson, Transmit transmit) throws CancuocException {
        TransmitCallback callback = (userData, command, commandLength, response, capacity, responseLength) ->
                carry(transmit, command, commandLength, response, capacity, responseLength);
        NativeTransport transport = new NativeTransport();
        transport.transmit = callback;
        PointerByReference out = new PointerByReference();
        int code = Lib.C.cancuoc_read_transport(utf8(requestJson), transport, out);
        // The callback object must live until the call returned (JNA holds it weakly).
        java.lang.ref.Reference.reachabilityFence(callback);
        return take(code, out);
    }

    private static int carry(Transmit transmit, Pointer command, long commandLength, Pointer response, long capacity,
            Pointer responseLength) {
        try {
            byte[] apdu = command.getByteArray(0, (int) commandLength);
            byte[] answer = transmit.transmit(apdu);
            if (answer == null || answer.length > capacity) {
                return LINK_ERROR;
            }
            response.write(0, answer, 0, answer.length);
            if (Native.SIZE_T_SIZE == 8) {
                responseLength.setLong(0, answer.length);
            } else {
                responseLength.setInt(0, answer.length);
            }
            return LINK_OK;
        } catch (CardLostException e) {
            return LINK_CARD_LOST;
        } catch (TimeoutException e) {
            return LINK_TIMEOUT;
        } catch (Throwable e) {
            return LINK_ERROR;
        }
    }

    /** The built-in virtual CCCD behind a {@link Transmit}, to try {@link #readTransport} without a card. */
    public static final class VirtualCard implements AutoCloseable {
        private Pointer card;

        /** A new virtual card (CAN 012345, ID number 001090012345). */
        public VirtualCard() {
            card = Lib.C.cancuoc_virtual_card_new();
            if (card == null) {
                throw new IllegalStateException("this cancuoc library has no virtual card: build it with the feature demo");
            }
        }

        /** The card's answer to {@code command}. */
        public byte[] transmit(byte[] command) throws CardLostException {
            byte[] response = new byte[65538];
            long[] length = new long[1];
            int code = Lib.C.cancuoc_virtual_card_transmit(card, command, command.length, response, response.length, length);
            if (code != LINK_OK) {
                throw new CardLostException("the virtual card did not answer (" + code + ")");
            }
            return java.util.Arrays.copyOf(response, (int) length[0]);
        }

        @Override
        public void close() {
            Lib.C.cancuoc_virtual_card_free(card);
            card = null;
        }
    }

    private static byte[] utf8(String text) {
        byte[] body = (text == null ? "" : text).getBytes(StandardCharsets.UTF_8);
        return java.util.Arrays.copyOf(body, body.length + 1);
    }

    private static String take(int code, PointerByReference out) throws CancuocException {
        Pointer text = out.getValue();
        String json;
        try {
            json = text == null ? "" : new String(text.getByteArray(0, (int) text.indexOf(0, (byte) 0)), StandardCharsets.UTF_8);
        } finally {
            Lib.C.cancuoc_string_free(text);
        }
        if (code != 0) {
            throw new CancuocException(code, json);
        }
        return json;
    }

    /** The few string fields the wrapper reads from an answer's "error" object. */
    static final class Json {
        private Json() {}

        static String errorField(String json, String name) {
            int error = json.indexOf("\"error\":{");
            if (error < 0) {
                return "";
            }
            String key = "\"" + name + "\":\"";
            int at = json.indexOf(key, error);
            if (at < 0) {
                return "";
            }
            StringBuilder value = new StringBuilder();
            for (int i = at + key.length(); i < json.length(); i++) {
                char c = json.charAt(i);
                if (c == '"') {
                    break;
                }
                if (c == '\\' && i + 1 < json.length()) {
                    char next = json.charAt(++i);
                    if (next == 'u' && i + 4 < json.length()) {
                        value.append((char) Integer.parseInt(json.substring(i + 1, i + 5), 16));
                        i += 4;
                    } else {
                        value.append(next == 'n' ? '\n' : next == 't' ? '\t' : next);
                    }
                } else {
                    value.append(c);
                }
            }
            return value.toString();
        }
    }
}
