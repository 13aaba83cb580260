// cancuoc for .NET: a P/Invoke wrapper over the C ABI (crates/cancuoc-ffi/include/cancuoc.h).
//
// One file to add to a project; it compiles for .NET Framework 4.5 and .NET Standard 2.0 (no
// newer API: UTF-8 is marshalled by hand, JSON read with DataContractJsonSerializer). Put
// cancuoc_ffi.dll (Windows) or libcancuoc_ffi.so (Linux, Mono) beside the program. The
// requests and answers are JSON, those of the C ABI and the local endpoint (docs/DESIGN.md
// §3.5-3.6); a failure throws CancuocException. All calls may run on several threads;
// Cancel() ends the read under way.
//
//     string answer = CancuocReader.Read("{\"key\":{\"id\":\"001090012345\"},\"trust\":[\"csca.der\"]}");
//     Checkin person = Checkin.FromAnswer(answer);   // person.HoTen, person.SoCccd, ...

using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Runtime.Serialization;
using System.Runtime.Serialization.Json;
using System.Text;

namespace Cancuoc
{
    /// <summary>The cancuoc library: read and verify CCCD cards and ICAO 9303 documents.</summary>
    public static class CancuocReader
    {
        private const string Library = "cancuoc_ffi";

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        private static extern IntPtr cancuoc_version();

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        private static extern int cancuoc_readers(out IntPtr outJson);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        private static extern int cancuoc_read(byte[] requestJson, out IntPtr outJson);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        private static extern int cancuoc_verify(byte[] requestJson, out IntPtr outJson);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        private static extern int cancuoc_demo(byte[] requestJson, out IntPtr outJson);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        private static extern int cancuoc_cancel();

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        private static extern int cancuoc_cancel_read(byte[] token);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        private static extern void cancuoc_string_free(IntPtr text);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        private static extern int cancuoc_read_transport(byte[] requestJson, ref NativeTransport transport, out IntPtr outJson);

        // The callback cancuoc calls for each APDU (CancuocTransmitFn in cancuoc.h).
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        private delegate int NativeTransmit(IntPtr userData, IntPtr command, UIntPtr commandLength, IntPtr response,
            UIntPtr responseCapacity, IntPtr responseLength);

        // CancuocTransport in cancuoc.h: user data, transmit, reset (none here).
        [StructLayout(LayoutKind.Sequential)]
        private struct NativeTransport
        {
            public IntPtr UserData;
            public NativeTransmit Transmit;
            public IntPtr Reset;
        }

        // The CANCUOC_LINK_* codes.
        private const int LinkOk = 0;
        private const int LinkCardLost = 1;
        private const int LinkTimeout = 2;
        private const int LinkError = 3;

        /// <summary>The library's version, e.g. "0.1.0".</summary>
        public static string Version()
        {
            return FromUtf8(cancuoc_version());
        }

        /// <summary>The readers: <c>{"readers":[{"name":"…","card":true}]}</c>.</summary>
        public static string Readers()
        {
            IntPtr answer;
            int code = cancuoc_readers(out answer);
            return Take(code, answer);
        }

        /// <summary>Reads and checks the card on a reader. The request is the local endpoint's
        /// <c>/v1/read</c> body plus <c>"trust":["PATH",…]</c>:
        /// <c>{"reader":null,"key":{"id":"001090012345"},"want":["holder","photo","verification"],"trust":["csca.der"]}</c>.
        /// Answers <c>{"report":…,"checkin":…,"bhxh":…,"photo":…}</c>.</summary>
        /// <exception cref="CancuocException">No reader, no card, a wrong key, the card taken
        /// away, a bad request, or (Code 3) a check failed.</exception>
        public static string Read(string requestJson)
        {
            IntPtr answer;
            int code = cancuoc_read(ToUtf8(requestJson), out answer);
            return Take(code, answer);
        }

        /// <summary>Checks a saved dump: <c>{"dir":"PATH"}</c> or
        /// <c>{"files":{"SOD":"base64","DG1":"base64",…}}</c>, with <c>"trust":[…]</c> and
        /// <c>"at":"YYYY-MM-DD"</c>.</summary>
        /// <exception cref="CancuocException">As <see cref="Read"/>.</exception>
        public static string Verify(string requestJson)
        {
            IntPtr answer;
            int code = cancuoc_verify(ToUtf8(requestJson), out answer);
            return Take(code, answer);
        }

        /// <summary>Reads the built-in virtual CCCD (no reader needed).</summary>
        public static string Demo()
        {
            return Demo("{}");
        }

        /// <summary>Reads the built-in virtual CCCD with a request as <see cref="Read"/>'s, all
        /// of it optional.</summary>
        /// <exception cref="CancuocException">As <see cref="Read"/>.</exception>
        public static string Demo(string requestJson)
        {
            IntPtr answer;
            int code = cancuoc_demo(ToUtf8(requestJson), out answer);
            return Take(code, answer);
        }

        /// <summary>Reads and checks the card the program holds (a phone's NFC tag, its own
        /// PC/SC connection, a relay): cancuoc calls <paramref name="transmit"/> for each command
        /// APDU, on this thread, and reads its answer. The request is <see cref="Read"/>'s without
        /// "reader" and "wait_seconds", plus what the program knows of its link:
        /// <c>"link":{"max_apdu_data":261,"extended_length":false,"atr":"HEX","card_access":"BASE64"}</c>.
        /// A <see cref="CardLostException"/> from the callback ends the read with ErrorCode
        /// "card_removed", a <see cref="TimeoutException"/> too; any other exception, a null answer
        /// or one of fewer than 2 bytes ends it with "card_error" or "card_removed" — never a crash.</summary>
        /// <exception cref="CancuocException">As <see cref="Read"/>.</exception>
        public static string ReadTransport(string requestJson, CancuocTransmit transmit)
        {
            if (transmit == null)
            {
                throw new ArgumentNullException("transmit");
            }
            NativeTransmit native = (userData, command, commandLength, response, responseCapacity, responseLength) =>
                Carry(transmit, command, commandLength, response, responseCapacity, responseLength);
            NativeTransport transport = new NativeTransport { UserData = IntPtr.Zero, Transmit = native, Reset = IntPtr.Zero };
            IntPtr answer;
            int code = cancuoc_read_transport(ToUtf8(requestJson), ref transport, out answer);
            GC.KeepAlive(native);
            return Take(code, answer);
        }

        // One APDU through the program's callback; no exception crosses back into cancuoc.
        private static int Carry(CancuocTransmit transmit, IntPtr command, UIntPtr commandLength, IntPtr response,
            UIntPtr responseCapacity, IntPtr responseLength)
        {
            try
            {
                byte[] apdu = new byte[(int)commandLength.ToUInt64()];
                Marshal.Copy(command, apdu, 0, apdu.Length);
                byte[] answer = transmit(apdu);
                if (answer == null || (ulong)answer.Length > responseCapacity.ToUInt64())
                {
                    return LinkError;
                }
                Marshal.Copy(answer, 0, response, answer.Length);
                Marshal.WriteIntPtr(responseLength, new IntPtr(answer.Length));
                return LinkOk;
            }
            catch (CardLostException)
            {
                return LinkCardLost;
            }
            catch (TimeoutException)
            {
                return LinkTimeout;
            }
            catch (Exception)
            {
                return LinkError;
            }
        }

        /// <summary>Ends the read under way (on another thread): it throws with ErrorCode
        /// "cancelled".</summary>
        public static void Cancel()
        {
            cancuoc_cancel();
        }

        /// <summary>Ends only the reads whose request carried "cancel_token": token (the others
        /// go on); true when one was ended. Safe from any thread.</summary>
        public static bool CancelRead(string token)
        {
            return cancuoc_cancel_read(ToUtf8(token)) == 0;
        }

        private static byte[] ToUtf8(string text)
        {
            byte[] body = Encoding.UTF8.GetBytes(text ?? "");
            byte[] terminated = new byte[body.Length + 1];
            Buffer.BlockCopy(body, 0, terminated, 0, body.Length);
            return terminated;
        }

        private static string FromUtf8(IntPtr text)
        {
            if (text == IntPtr.Zero)
            {
                return "";
            }
            int length = 0;
            while (Marshal.ReadByte(text, length) != 0)
            {
                length++;
            }
            byte[] bytes = new byte[length];
            Marshal.Copy(text, bytes, 0, length);
            return Encoding.UTF8.GetString(bytes);
        }

        /// <summary>The answer's text (freed in the library), or the exception it names.</summary>
        private static string Take(int code, IntPtr answer)
        {
            string json;
            try
            {
                json = FromUtf8(answer);
            }
            finally
            {
                cancuoc_string_free(answer);
            }
            if (code != 0)
            {
                throw CancuocException.FromAnswer(code, json);
            }
            return json;
        }
    }

    /// <summary>Carries one command APDU to the card and returns its answer, data followed by
    /// SW1 SW2 (for <see cref="CancuocReader.ReadTransport"/>). Throw
    /// <see cref="CardLostException"/> when the card left the field, <see cref="TimeoutException"/>
    /// when it did not answer in time.</summary>
    public delegate byte[] CancuocTransmit(byte[] command);

    /// <summary>Thrown by a <see cref="CancuocTransmit"/> when the card left the field or was
    /// pulled out (Android's TagLostException, PC/SC's SCARD_W_REMOVED_CARD).</summary>
    [Serializable]
    public class CardLostException : Exception
    {
        /// <summary>The card is gone.</summary>
        public CardLostException() : base("the card left the field") { }

        /// <summary>The card is gone, in the program's words.</summary>
        public CardLostException(string message) : base(message) { }

        /// <summary>For serialization.</summary>
        protected CardLostException(SerializationInfo info, StreamingContext context) : base(info, context) { }
    }

    /// <summary>The built-in virtual CCCD behind a transmit function, to try
    /// <see cref="CancuocReader.ReadTransport"/> without a card:
    /// <c>using (var card = new VirtualCard()) CancuocReader.ReadTransport(request, card.Transmit);</c>
    /// Needs a library built with the feature demo.</summary>
    public sealed class VirtualCard : IDisposable
    {
        [DllImport("cancuoc_ffi", CallingConvention = CallingConvention.Cdecl)]
        private static extern IntPtr cancuoc_virtual_card_new();

        [DllImport("cancuoc_ffi", CallingConvention = CallingConvention.Cdecl)]
        private static extern int cancuoc_virtual_card_transmit(IntPtr card, byte[] command, UIntPtr commandLength,
            byte[] response, UIntPtr responseCapacity, out UIntPtr responseLength);

        [DllImport("cancuoc_ffi", CallingConvention = CallingConvention.Cdecl)]
        private static extern void cancuoc_virtual_card_free(IntPtr card);

        private IntPtr card;

        /// <summary>A new virtual card (CAN 012345, ID number 001090012345).</summary>
        /// <exception cref="InvalidOperationException">The library has no virtual card.</exception>
        public VirtualCard()
        {
            card = cancuoc_virtual_card_new();
            if (card == IntPtr.Zero)
            {
                throw new InvalidOperationException("this cancuoc library has no virtual card: build it with the feature demo");
            }
        }

        /// <summary>The card's answer to <paramref name="command"/> (a <see cref="CancuocTransmit"/>).</summary>
        public byte[] Transmit(byte[] command)
        {
            if (card == IntPtr.Zero)
            {
                throw new ObjectDisposedException("VirtualCard");
            }
            byte[] response = new byte[65538];
            UIntPtr length;
            int code = cancuoc_virtual_card_transmit(card, command, new UIntPtr((uint)command.Length), response,
                new UIntPtr((uint)response.Length), out length);
            if (code == 1)
            {
                throw new CardLostException();
            }
            if (code != 0)
            {
                throw new IOException("the virtual card did not answer");
            }
            byte[] answer = new byte[(int)length.ToUInt64()];
            Buffer.BlockCopy(response, 0, answer, 0, answer.Length);
            return answer;
        }

        /// <summary>Frees the card.</summary>
        public void Dispose()
        {
            cancuoc_virtual_card_free(card);
            card = IntPtr.Zero;
        }
    }

    /// <summary>A read or verification that failed. <see cref="Code"/> is the return code (1
    /// error, 2 bad request, 3 read but a check failed); <see cref="ErrorCode"/> names the error
    /// (<c>no_reader</c>, <c>no_card</c>, <c>wrong_key</c>, <c>card_removed</c>, <c>cancelled</c>,
    /// <c>bad_request</c>, <c>file_error</c>, <c>check_failed</c>…); <see cref="Exception.Message"/>
    /// and <see cref="MessageVi"/> tell the clerk what to do in English and Vietnamese.</summary>
    [Serializable]
    public class CancuocException : Exception
    {
        /// <summary>The return code: 1 error, 2 bad request, 3 a check failed.</summary>
        public int Code { get; private set; }

        /// <summary>The error's name, e.g. "wrong_key".</summary>
        public string ErrorCode { get; private set; }

        /// <summary>The message in Vietnamese.</summary>
        public string MessageVi { get; private set; }

        /// <summary>The whole answer: for Code 3 the report of the card that failed a check
        /// (a bank must not act on it; a back office wants to see why), without the holder's
        /// fields and with no check-in record.</summary>
        public string AnswerJson { get; private set; }

        /// <summary>For Code 3, the report's verdict: "altered", "cloned", "expired", "revoked"
        /// or "bad_certificate" (the same word the endpoint, the CLI and the desk use); null
        /// otherwise.</summary>
        public string Verdict { get; private set; }

        /// <summary>A failure with its parts.</summary>
        public CancuocException(int code, string errorCode, string message, string messageVi, string answerJson)
            : base(message)
        {
            Code = code;
            ErrorCode = errorCode;
            MessageVi = messageVi;
            AnswerJson = answerJson;
        }

        /// <summary>For serialization.</summary>
        protected CancuocException(SerializationInfo info, StreamingContext context)
            : base(info, context)
        {
        }

        internal static CancuocException FromAnswer(int code, string json)
        {
            // Every failure carries "error" (code 3: check_failed, with the verdict).
            ErrorAnswer parsed = Json.Parse<ErrorAnswer>(json);
            ErrorBody error = parsed == null ? null : (parsed.Error ?? parsed.CheckFailed);
            error = error ?? new ErrorBody();
            CancuocException exception =
                new CancuocException(code, error.Code ?? "internal", error.Message ?? json, error.MessageVi ?? "", json);
            exception.Verdict = error.Verdict;
            return exception;
        }
    }

    /// <summary>The fields a clinic's check-in form takes from the card (the answer's
    /// <c>checkin</c>: the Ministry of Health's CCCD check-in fields).</summary>
    [DataContract]
    public sealed class Checkin
    {
        /// <summary>Số CCCD: the 12-digit ID number.</summary>
        [DataMember(Name = "so_cccd")]
        public string SoCccd { get; set; }

        /// <summary>Họ tên: the full name, with diacritics.</summary>
        [DataMember(Name = "ho_ten")]
        public string HoTen { get; set; }

        /// <summary>Ngày sinh, yyyyMMdd0000 (the form's own layout).</summary>
        [DataMember(Name = "ngay_sinh")]
        public string NgaySinh { get; set; }

        /// <summary>Ngày sinh, dd/MM/yyyy.</summary>
        [DataMember(Name = "ngay_sinh_vn")]
        public string NgaySinhVn { get; set; }

        /// <summary>Giới tính: 1 nam (male), 2 nữ (female).</summary>
        [DataMember(Name = "gioi_tinh")]
        public int GioiTinh { get; set; }

        /// <summary>Địa chỉ: the place of residence.</summary>
        [DataMember(Name = "dia_chi")]
        public string DiaChi { get; set; }

        /// <summary>Ngày cấp: the card's date of issue, yyyyMMdd.</summary>
        [DataMember(Name = "ngay_cap")]
        public string NgayCap { get; set; }

        /// <summary>The check-in fields of an answer of Read, Demo or Verify; null when the answer
        /// has none (a request without "holder").</summary>
        public static Checkin FromAnswer(string answerJson)
        {
            CheckinAnswer answer = Json.Parse<CheckinAnswer>(answerJson);
            return answer == null ? null : answer.Checkin;
        }
    }

    [DataContract]
    internal sealed class CheckinAnswer
    {
        [DataMember(Name = "checkin")]
        public Checkin Checkin { get; set; }
    }

    [DataContract]
    internal sealed class ErrorAnswer
    {
        [DataMember(Name = "error")]
        public ErrorBody Error { get; set; }

        [DataMember(Name = "check_failed")]
        public ErrorBody CheckFailed { get; set; }
    }

    [DataContract]
    internal sealed class ErrorBody
    {
        [DataMember(Name = "code")]
        public string Code { get; set; }

        [DataMember(Name = "message")]
        public string Message { get; set; }

        [DataMember(Name = "message_vi")]
        public string MessageVi { get; set; }

        [DataMember(Name = "verdict")]
        public string Verdict { get; set; }
    }

    internal static class Json
    {
        /// <summary>Reads <paramref name="json"/> as T (unknown members are ignored); null when it
        /// is not JSON of that shape.</summary>
        internal static T Parse<T>(string json) where T : class
        {
            try
            {
                using (MemoryStream stream = new MemoryStream(Encoding.UTF8.GetBytes(json)))
                {
                    return new DataContractJsonSerializer(typeof(T)).ReadObject(stream) as T;
                }
            }
            catch (SerializationException)
            {
                return null;
            }
        }
    }
}
