/**
 * Sign-in: as `GET /auth/sign-in-options` says — a role picker (and a credit code for an
 * enterprise) while the API uses the development key, or OpenID Connect with PKCE in a deployment.
 */
import { useEffect, useState } from "preact/hooks";
import { api, ok } from "../api";
import { label, lang, setLang, t } from "../i18n";
import { completeOidcSignIn, signInWith, signInWithOidc } from "../session";
import { Field, ProblemBox, Show, useLoad } from "../ui";

const DEV_ENTERPRISE = "91350200776049653A";

export function SignIn() {
  const options = useLoad(() => ok(api.GET("/auth/sign-in-options")), []);
  const [role, setRole] = useState("taskforce");
  const [uscc, setUscc] = useState(DEV_ENTERPRISE);
  const [error, setError] = useState<unknown>();
  const oidc = options.data?.oidc;
  useEffect(() => {
    if (oidc) completeOidcSignIn(oidc).catch(setError);
  }, [oidc?.issuer]);

  const devSignIn = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    try {
      const token = await ok(
        api.POST("/auth/development-tokens", {
          body: role === "enterprise" ? { role: "enterprise", uscc } : { role: role as "taskforce" },
        }),
      );
      signInWith(token.access_token);
    } catch (err) {
      setError(err);
    }
  };

  return (
    <main id="main" class="sign-in">
      <h1>{t("appTitle")}</h1>
      <button type="button" class="link" onClick={() => setLang(lang() === "zh" ? "en" : "zh")}>
        {lang() === "zh" ? "English" : "中文"}
      </button>
      <Show loaded={options}>
        {(o) =>
          o.method === "development" ? (
            <form onSubmit={devSignIn} aria-labelledby="dev-title">
              <h2 id="dev-title">{t("signInDev")}</h2>
              <p class="note">{t("signInDevNote")}</p>
              <Field label={t("role")}>
                <select name="role" value={role} onChange={(e) => setRole(e.currentTarget.value)}>
                  {o.roles.map((r) => (
                    <option key={r} value={r}>
                      {label("role", r)}
                    </option>
                  ))}
                </select>
              </Field>
              {role === "enterprise" && (
                <Field label={t("uscc")}>
                  <input
                    name="uscc"
                    value={uscc}
                    onInput={(e) => setUscc(e.currentTarget.value.trim().toUpperCase())}
                    required
                  />
                </Field>
              )}
              <button type="submit">{t("signIn")}</button>
            </form>
          ) : o.method === "oidc" && o.oidc ? (
            <button type="button" onClick={() => signInWithOidc(o.oidc!).catch(setError)}>
              {t("signInOidc")}
            </button>
          ) : (
            <p>{t("signInUnavailable")}</p>
          )
        }
      </Show>
      <ProblemBox error={error} />
    </main>
  );
}
