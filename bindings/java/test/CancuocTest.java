// The Java wrapper's tests, a console program (tests/java.rs compiles it with javac against
// JNA and runs it): the built-in virtual card, then the virtual card behind a Java callback,
// then callbacks that fail or lie. Prints one line per check; exits 1 at the first failure.
//   java -cp jna.jar:classes -Djna.library.path=target/debug CancuocTest CSCA

import cancuoc.Cancuoc;
import cancuoc.Cancuoc.CancuocException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

public final class CancuocTest {
    private static final String SPECIMEN_ID = "001090012345";

    public static void main(String[] args) {
        try {
            String csca = args[0].replace("\\", "\\\\");
            check("version", Cancuoc.version().equals("0.1.0"));
            String demo = Cancuoc.demo("{}");
            check("demo: the specimen's ID number", demo.contains("\"so_cccd\":\"" + SPECIMEN_ID + "\""));
            check("demo: the name in UTF-8", demo.contains("Nguyễn Văn Mẫu"));
            CancuocException wrong = failure(() -> Cancuoc.demo("{\"key\":{\"can\":\"999999\"}}"));
            check("wrong key: code 1, wrong_key, Vietnamese", wrong.code == 1 && wrong.errorCode.equals("wrong_key")
                    && wrong.messageVi.contains("CCCD"));

            AtomicInteger commands = new AtomicInteger();
            String held;
            try (Cancuoc.VirtualCard card = new Cancuoc.VirtualCard()) {
                held = Cancuoc.readTransport("{\"key\":{\"can\":\"012345\"},\"trust\":[\"" + csca + "\"]}", command -> {
                    commands.incrementAndGet();
                    return card.transmit(command);
                });
            }
            check("transport: the specimen's ID number", held.contains("\"so_cccd\":\"" + SPECIMEN_ID + "\""));
            check("transport: passive valid", held.contains("\"passive\":{") && held.contains("\"verdict\":\"genuine\""));
            check("transport: every APDU through the callback", commands.get() > 10);

            String request = "{\"key\":{\"can\":\"012345\"}}";
            CancuocException lost = failure(() -> Cancuoc.readTransport(request, c -> {
                throw new Cancuoc.CardLostException("tag lost");
            }));
            check("transport: card lost is card_removed", lost.code == 1 && lost.errorCode.equals("card_removed"));
            CancuocException timeout = failure(() -> Cancuoc.readTransport(request, c -> {
                throw new TimeoutException();
            }));
            check("transport: timeout is card_removed", timeout.errorCode.equals("card_removed"));
            CancuocException bug = failure(() -> Cancuoc.readTransport(request, c -> {
                throw new IllegalStateException("a bug");
            }));
            check("transport: another exception is card_error", bug.errorCode.equals("card_error"));
            CancuocException none = failure(() -> Cancuoc.readTransport(request, c -> null));
            check("transport: a null answer is card_error", none.errorCode.equals("card_error"));
            CancuocException huge = failure(() -> Cancuoc.readTransport(request, c -> new byte[70000]));
            check("transport: an answer longer than any APDU's is card_error", huge.errorCode.equals("card_error"));
            CancuocException reader = failure(() -> Cancuoc.readTransport("{\"reader\":\"x\"}", c -> null));
            check("transport: a reader with a transport is a bad request", reader.code == 2);
            System.out.println("all passed");
        } catch (Throwable e) {
            System.out.println("FAILED: " + e);
            System.exit(1);
        }
    }

    interface Call {
        String run() throws CancuocException;
    }

    private static CancuocException failure(Call call) {
        try {
            call.run();
        } catch (CancuocException e) {
            System.out.println("  threw " + e.errorCode + ": " + e.getMessage() + " / " + e.messageVi);
            return e;
        }
        throw new AssertionError("no CancuocException");
    }

    private static void check(String what, boolean ok) {
        System.out.println((ok ? "ok   " : "FAIL ") + what);
        if (!ok) {
            throw new AssertionError(what);
        }
    }
}
