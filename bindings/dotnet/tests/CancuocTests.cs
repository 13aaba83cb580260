// The .NET wrapper's tests, a console program (tests/dotnet.rs compiles it with Mono's mcs and
// runs it under mono):
//   CancuocTests.exe CSCA                 the built-in virtual card and dumps
//   CancuocTests.exe CSCA READER          also the virtual card behind pcscd on READER
// Prints one line per check; exits 1 at the first failure.

using System;
using System.IO;
using System.Runtime.Serialization;
using System.Text;
using Cancuoc;

internal static class CancuocTests
{
    private const string SpecimenId = "001090012345";

    private static int Main(string[] args)
    {
        try
        {
            string csca = args[0].Replace("\\", "\\\\");
            Check("version", CancuocReader.Version() == "0.1.0");
            InProcess(csca);
            ThroughTheCallback(csca);
            if (args.Length > 1)
            {
                BehindPcscd(csca, args[1]);
            }
            Console.WriteLine("all passed");
            return 0;
        }
        catch (Exception e)
        {
            Console.WriteLine("FAILED: " + e);
            return 1;
        }
    }

    private static void InProcess(string csca)
    {
        string answer = CancuocReader.Demo();
        Checkin person = Checkin.FromAnswer(answer);
        Check("demo: Checkin.SoCccd", person.SoCccd == SpecimenId);
        Check("demo: Checkin.HoTen (UTF-8)", person.HoTen == "Nguyễn Văn Mẫu");
        Check("demo: Checkin.GioiTinh", person.GioiTinh == 1);
        Check("demo: Checkin.NgaySinhVn", person.NgaySinhVn == "15/01/1990");

        string trusted = CancuocReader.Demo("{\"trust\":[\"" + csca + "\"]}");
        Check("demo with trust: passive valid", Passive(trusted) == "valid");

        CancuocException wrong = Throws(() => CancuocReader.Demo("{\"key\":{\"can\":\"999999\"}}"));
        Check("wrong key: Code 1", wrong.Code == 1);
        Check("wrong key: ErrorCode", wrong.ErrorCode == "wrong_key");
        Check("wrong key: MessageVi", wrong.MessageVi.Contains("CCCD"));

        CancuocException bad = Throws(() => CancuocReader.Verify("{\"dir\":\"/x\",\"files\":{}}"));
        Check("bad request: Code 2", bad.Code == 2 && bad.ErrorCode == "bad_request");

        CancuocException missing = Throws(() => CancuocReader.Demo("{\"trust\":[\"/nonexistent/csca.der\"]}"));
        Check("missing trust file: file_error", missing.Code == 1 && missing.ErrorCode == "file_error");

        // A dump's files, verified as they are and with one byte of DG13 changed.
        string raw = CancuocReader.Demo("{\"want\":[\"raw\"]}");
        RawAnswer files = Parse<RawAnswer>(raw);
        string verified = CancuocReader.Verify(FilesRequest(files.Raw, csca, false));
        Check("verify files: passive valid", Passive(verified) == "valid");
        Check("verify files: Checkin", Checkin.FromAnswer(verified).SoCccd == SpecimenId);
        CancuocException altered = Throws(() => CancuocReader.Verify(FilesRequest(files.Raw, csca, true)));
        Check("altered DG13: Code 3", altered.Code == 3 && altered.ErrorCode == "check_failed");
        Check("altered DG13: the report comes along", Passive(altered.AnswerJson) == "invalid");
        Check("altered DG13: the reason named", altered.Message.Contains("DG13") && altered.MessageVi.Length > 0);
        Check("altered DG13: the verdict travels", altered.Verdict == "altered");
        Check("altered DG13: no record to file", Checkin.FromAnswer(altered.AnswerJson) == null);
    }

    // The program's own transport: the virtual card behind a C# delegate, then delegates that
    // fail or lie.
    private static void ThroughTheCallback(string csca)
    {
        int commands = 0;
        string answer;
        using (VirtualCard card = new VirtualCard())
        {
            answer = CancuocReader.ReadTransport(
                "{\"key\":{\"can\":\"012345\"},\"trust\":[\"" + csca + "\"],\"link\":{\"extended_length\":false}}",
                command => { commands++; return card.Transmit(command); });
        }
        Check("transport: Checkin.SoCccd", Checkin.FromAnswer(answer).SoCccd == SpecimenId);
        Check("transport: passive valid", Passive(answer) == "valid");
        Check("transport: every APDU through the delegate", commands > 10);
        Check("transport: same holder as the built-in card",
            Checkin.FromAnswer(answer).HoTen == Checkin.FromAnswer(CancuocReader.Demo()).HoTen);

        string request = "{\"key\":{\"can\":\"012345\"}}";
        CancuocException lost = Throws(() => CancuocReader.ReadTransport(request, command => { throw new CardLostException(); }));
        Check("transport: card lost is card_removed", lost.Code == 1 && lost.ErrorCode == "card_removed");
        CancuocException timeout = Throws(() => CancuocReader.ReadTransport(request, command => { throw new TimeoutException(); }));
        Check("transport: timeout is card_removed", timeout.ErrorCode == "card_removed");
        CancuocException bug = Throws(() => CancuocReader.ReadTransport(request, command => { throw new InvalidOperationException("a bug"); }));
        Check("transport: another exception is card_error", bug.ErrorCode == "card_error" && bug.MessageVi.Length > 0);
        CancuocException none = Throws(() => CancuocReader.ReadTransport(request, command => null));
        Check("transport: a null answer is card_error", none.ErrorCode == "card_error");
        CancuocException huge = Throws(() => CancuocReader.ReadTransport(request, command => new byte[70000]));
        Check("transport: an answer longer than any APDU's is card_error", huge.ErrorCode == "card_error");
        CancuocException reader = Throws(() => CancuocReader.ReadTransport("{\"reader\":\"x\"}", command => null));
        Check("transport: a reader with a transport is a bad request", reader.Code == 2);
    }

    private static void BehindPcscd(string csca, string reader)
    {
        Check("readers: the virtual card", CancuocReader.Readers().Contains("\"card\":true"));
        string answer = CancuocReader.Read(
            "{\"reader\":\"" + reader + "\",\"key\":{\"id\":\"" + SpecimenId + "\"},\"trust\":[\"" + csca + "\"]}");
        Check("pcscd read: Checkin", Checkin.FromAnswer(answer).HoTen == "Nguyễn Văn Mẫu");
        Check("pcscd read: passive valid", Passive(answer) == "valid");
        CancuocException wrong = Throws(() => CancuocReader.Read(
            "{\"reader\":\"" + reader + "\",\"key\":{\"can\":\"999999\"}}"));
        Check("pcscd wrong key", wrong.ErrorCode == "wrong_key");
        CancuocException none = Throws(() => CancuocReader.Read(
            "{\"reader\":\"No Such Reader\",\"key\":{\"can\":\"123456\"},\"wait_seconds\":0}"));
        Check("pcscd unknown reader", none.ErrorCode == "no_reader");
    }

    private static string FilesRequest(RawFiles raw, string csca, bool alterDg13)
    {
        string dg13 = raw.Dg13;
        if (alterDg13)
        {
            byte[] bytes = Convert.FromBase64String(dg13);
            bytes[bytes.Length - 1] ^= 1;
            dg13 = Convert.ToBase64String(bytes);
        }
        return "{\"files\":{\"SOD\":\"" + raw.Sod + "\",\"DG1\":\"" + raw.Dg1 + "\",\"DG13\":\"" + dg13
            + "\"},\"trust\":[\"" + csca + "\"]}";
    }

    private static string Passive(string answer)
    {
        return Parse<ReportAnswer>(answer).Report.Verification.Passive.Status;
    }

    private static CancuocException Throws(Action call)
    {
        try
        {
            call();
        }
        catch (CancuocException e)
        {
            Console.WriteLine("  threw " + e.ErrorCode + ": " + e.Message + " / " + e.MessageVi);
            return e;
        }
        throw new Exception("no CancuocException");
    }

    private static void Check(string what, bool ok)
    {
        Console.WriteLine((ok ? "ok   " : "FAIL ") + what);
        if (!ok)
        {
            throw new Exception(what);
        }
    }

    private static T Parse<T>(string json) where T : class
    {
        using (MemoryStream stream = new MemoryStream(Encoding.UTF8.GetBytes(json)))
        {
            return (T)new System.Runtime.Serialization.Json.DataContractJsonSerializer(typeof(T)).ReadObject(stream);
        }
    }
}

[DataContract]
internal sealed class RawAnswer
{
    [DataMember(Name = "raw")] public RawFiles Raw { get; set; }
}

[DataContract]
internal sealed class RawFiles
{
    [DataMember(Name = "SOD")] public string Sod { get; set; }
    [DataMember(Name = "DG1")] public string Dg1 { get; set; }
    [DataMember(Name = "DG13")] public string Dg13 { get; set; }
}

[DataContract]
internal sealed class ReportAnswer
{
    [DataMember(Name = "report")] public Report Report { get; set; }
}

[DataContract]
internal sealed class Report
{
    [DataMember(Name = "verification")] public Verification Verification { get; set; }
}

[DataContract]
internal sealed class Verification
{
    [DataMember(Name = "passive")] public Passive Passive { get; set; }
}

[DataContract]
internal sealed class Passive
{
    [DataMember(Name = "status")] public string Status { get; set; }
}
