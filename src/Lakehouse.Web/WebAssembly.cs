namespace Lakehouse.Web;

/// <summary>Finds this assembly's embedded assets (styles, scripts) by a type that lives beside them.</summary>
internal static class WebAssembly
{
    public static System.Reflection.Assembly Assembly => typeof(WebAssembly).Assembly;
}
