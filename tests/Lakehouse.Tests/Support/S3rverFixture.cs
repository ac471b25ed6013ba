using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Lakehouse.Tests.Support;

/// <summary>
/// s3rver (npm, installed into tests/tools by the test project's build), the second S3 server of the tests. It still
/// adds what moto does not: it checks access keys (moto takes any), and it is a second implementation of uploads,
/// deletes and errors for the contract suite. It ignores conditional writes, which the lake no longer uses.
/// </summary>
/// <remarks>
/// Its list answers use a non-standard XML namespace (<c>http://doc.s3.amazonaws.com/2006-03-01/</c>), in which the
/// Minio client finds no keys at all, and they ignore <c>encoding-type=url</c>, so the client's decoding turns a '+'
/// in a key into a space. Those quirks are the harness's to handle, not the product's: the client talks to a small
/// loopback proxy that forwards every request to s3rver as it is, and puts list answers into S3's namespace with
/// their keys URL-encoded as asked; it decodes a copy's source key only partly, so the proxy re-encodes that header in
/// the form s3rver decodes right. s3rver does not check signatures, so the proxy's Host header is no concern.
/// </remarks>
public sealed partial class S3rverFixture : S3ServerFixture, IDisposable
{
    private const string S3rverNamespace = "xmlns=\"http://doc.s3.amazonaws.com/2006-03-01/\"";
    private const string S3Namespace = "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"";

    private string? dataPath;
    private WebApplication? proxy;
    private HttpClient? upstream;

    public override string Name => "s3rver";

    /// <summary>s3rver's built-in account.</summary>
    public override string AccessKey => "S3RVER";

    /// <summary>s3rver's built-in account.</summary>
    public override string SecretKey => "S3RVER";

    public static string ScriptPath => Path.Combine(RepositoryPaths.TestTools, "node_modules", "s3rver", "bin", "s3rver.js");

    public void Dispose() => upstream?.Dispose();

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (proxy is not null)
        {
            await proxy.DisposeAsync();
        }

        upstream?.Dispose();
        if (dataPath is not null)
        {
            try
            {
                Directory.Delete(dataPath, recursive: true);
            }
            catch (IOException)
            {
                // The OS cleans temp eventually.
            }
        }
    }

    protected override string? FindMissing()
    {
        if (FindOnPath("node") is null)
        {
            return "node is not on PATH (s3rver, the second S3 test server, runs on node).";
        }

        return File.Exists(ScriptPath)
            ? null
            : $"s3rver is not installed at {ScriptPath} (the test project's build runs npm ci in tests/tools).";
    }

    protected override ProcessStartInfo StartInfo(int port)
    {
        dataPath ??= Path.Combine(Path.GetTempPath(), "lakehouse-tests", $"s3rver-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dataPath);
        var start = new ProcessStartInfo(FindOnPath("node")!);
        foreach (var argument in new[] { ScriptPath, "-d", dataPath, "-a", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), "--silent" })
        {
            start.ArgumentList.Add(argument);
        }

        // Without the legacy provider, s3rver's continuation-token cipher fails on Node 17+ and every paginated
        // listing answers 500.
        start.Environment["NODE_OPTIONS"] = "--openssl-legacy-provider";
        return start;
    }

    protected override async Task<Uri> ClientUrlAsync(Uri server)
    {
        upstream = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false })
        {
            BaseAddress = server,
            Timeout = Timeout.InfiniteTimeSpan,
        };
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = null);
        proxy = builder.Build();
        proxy.Run(ForwardAsync);
        await proxy.StartAsync();
        var address = proxy.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return new Uri(address);
    }

    /// <summary>
    /// The copy source as s3rver can read it. S3 takes <c>x-amz-copy-source</c> URL-encoded (the Minio client encodes
    /// every '/' and '=' of the key), but s3rver decodes it with JavaScript's <c>decodeURI</c>, which leaves %2F, %3D
    /// and the like encoded, and then finds no such key. Re-encoded the way <c>encodeURI</c> does, it decodes right.
    /// </summary>
    private static string AsDecodeUriExpects(string header)
    {
        var encoded = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(Uri.UnescapeDataString(header)))
        {
            var c = (char)b;
            if (b < 0x80 && (char.IsAsciiLetterOrDigit(c) || "-_.!~*'();/?:@&=+$,#".Contains(c, StringComparison.Ordinal)))
            {
                encoded.Append(c);
            }
            else
            {
                encoded.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return encoded.ToString();
    }

    [System.Text.RegularExpressions.GeneratedRegex("<(Key|Prefix|StartAfter)>([^<]*)</(?:Key|Prefix|StartAfter)>")]
    private static partial System.Text.RegularExpressions.Regex EncodedValue();

    private async Task ForwardAsync(HttpContext context)
    {
        using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), context.Request.Path + context.Request.QueryString);
        if (context.Request.ContentLength > 0 || context.Request.Headers.TransferEncoding.Count > 0)
        {
            request.Content = new StreamContent(context.Request.Body);
        }

        foreach (var (name, values) in context.Request.Headers)
        {
            if (name.Equals("Host", StringComparison.OrdinalIgnoreCase) || name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (name.Equals("x-amz-copy-source", StringComparison.OrdinalIgnoreCase))
            {
                request.Headers.TryAddWithoutValidation(name, AsDecodeUriExpects(values.ToString()));
                continue;
            }

            if (!request.Headers.TryAddWithoutValidation(name, values.ToArray()))
            {
                request.Content ??= new ByteArrayContent([]);
                request.Content.Headers.TryAddWithoutValidation(name, values.ToArray());
            }
        }

        using var response = await upstream!.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            if (!name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                context.Response.Headers[name] = values.ToArray();
            }
        }

        var isList = context.Request.Method == "GET" && response.IsSuccessStatusCode
            && context.Request.Path.Value!.Trim('/').IndexOf('/', StringComparison.Ordinal) < 0;
        if (!isList)
        {
            await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
            return;
        }

        var xml = (await response.Content.ReadAsStringAsync(context.RequestAborted)).Replace(S3rverNamespace, S3Namespace, StringComparison.Ordinal);
        if (context.Request.Query["encoding-type"] == "url")
        {
            xml = EncodedValue().Replace(xml, m => $"<{m.Groups[1].Value}>{Uri.EscapeDataString(WebUtility.HtmlDecode(m.Groups[2].Value))}</{m.Groups[1].Value}>");
        }

        var body = Encoding.UTF8.GetBytes(xml);
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body, context.RequestAborted);
    }
}

/// <summary>The tests that share one s3rver; xunit runs them one class at a time.</summary>
[CollectionDefinition(Name)]
public sealed class UsesS3rver : ICollectionFixture<S3rverFixture>
{
    public const string Name = "s3rver";
}
