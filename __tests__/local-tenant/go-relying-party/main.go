// A relying party written the way a Go web app talks to Auth0: github.com/coreos/go-oidc/v3 for
// discovery, JWKS and ID token verification, golang.org/x/oauth2 for the authorization URL, PKCE,
// the code exchange and the refresh. It acts as the user's browser too (a cookie jar, redirects
// seen one by one), following the login page's form like a person clicking their name.
//
// Input: RP_CONFIG = {"issuer","client_id","client_secret"?,"auth":"basic"|"post"|"none",
// "redirect_uri","unregistered_redirect_uri","user","scope","ca_file"}.
// Output: one JSON object, one entry per scenario: {"ok":true,...details} or {"ok":false,"error":"..."}.
// A scenario is ok when the client saw what a correct provider answers: tokens for the good
// paths, the named refusal for the bad ones.
package main

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

type config struct {
	Issuer                  string `json:"issuer"`
	ClientID                string `json:"client_id"`
	ClientSecret            string `json:"client_secret"`
	Auth                    string `json:"auth"`
	RedirectURI             string `json:"redirect_uri"`
	UnregisteredRedirectURI string `json:"unregistered_redirect_uri"`
	User                    string `json:"user"`
	Scope                   string `json:"scope"`
	CAFile                  string `json:"ca_file"`
}

// The leeway for comparing auth_time with this machine's clock (seconds).
const clockSkew = 5

type rp struct {
	cfg      config
	ctx      context.Context
	provider *oidc.Provider
	verifier *oidc.IDTokenVerifier
	oauth    oauth2.Config
	tls      *tls.Config
}

// browser is one user agent: its own cookies (the tenant's session), redirects never followed.
type browser struct{ client *http.Client }

// authRequest is what the app remembers between /authorize and its callback.
type authRequest struct {
	state, nonce, verifier string
	maxAge                 *int
}

func main() {
	var cfg config
	if err := json.Unmarshal([]byte(os.Getenv("RP_CONFIG")), &cfg); err != nil {
		fail(fmt.Errorf("RP_CONFIG: %w", err))
	}
	party, err := newRP(cfg)
	if err != nil {
		fail(err)
	}
	results := map[string]map[string]any{}
	for _, s := range []struct {
		name string
		run  func() (map[string]any, error)
	}{
		{"login", party.login},
		{"max_age_0", party.maxAgeZero},
		{"wrong_verifier", party.wrongVerifier},
		{"reused_code", party.reusedCode},
		{"unregistered_redirect_uri", party.unregisteredRedirect},
		{"wrong_secret", party.wrongSecret},
		{"tampered_state", party.tamperedState},
		{"pkce_downgrade", party.pkceDowngrade},
	} {
		detail, err := s.run()
		if err != nil {
			results[s.name] = map[string]any{"ok": false, "error": err.Error()}
			continue
		}
		detail["ok"] = true
		results[s.name] = detail
	}
	out, _ := json.Marshal(results)
	fmt.Println(string(out))
}

func fail(err error) {
	out, _ := json.Marshal(map[string]string{"fatal": err.Error()})
	fmt.Println(string(out))
	os.Exit(1)
}

func newRP(cfg config) (*rp, error) {
	pem, err := os.ReadFile(cfg.CAFile)
	if err != nil {
		return nil, err
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("%s: no PEM certificate", cfg.CAFile)
	}
	tlsConfig := &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}
	httpClient := &http.Client{Transport: &http.Transport{TLSClientConfig: tlsConfig}, Timeout: 30 * time.Second}
	// Both libraries take their HTTP client from the context: the one that trusts the local CA.
	ctx := oidc.ClientContext(context.Background(), httpClient)
	ctx = context.WithValue(ctx, oauth2.HTTPClient, httpClient)
	provider, err := oidc.NewProvider(ctx, cfg.Issuer)
	if err != nil {
		return nil, fmt.Errorf("discovery: %w", err)
	}
	endpoint := provider.Endpoint()
	switch cfg.Auth {
	case "basic":
		endpoint.AuthStyle = oauth2.AuthStyleInHeader
	default:
		endpoint.AuthStyle = oauth2.AuthStyleInParams
	}
	return &rp{
		cfg:      cfg,
		ctx:      ctx,
		provider: provider,
		verifier: provider.Verifier(&oidc.Config{ClientID: cfg.ClientID, SupportedSigningAlgs: []string{oidc.RS256}}),
		oauth: oauth2.Config{
			ClientID:     cfg.ClientID,
			ClientSecret: cfg.ClientSecret,
			Endpoint:     endpoint,
			RedirectURL:  cfg.RedirectURI,
			Scopes:       strings.Fields(cfg.Scope),
		},
		tls: tlsConfig,
	}, nil
}

func (p *rp) newBrowser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{client: &http.Client{
		Transport:     &http.Transport{TLSClientConfig: p.tls},
		Jar:           jar,
		Timeout:       30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

func random() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func newAuthRequest(maxAge *int) authRequest {
	return authRequest{state: random(), nonce: random(), verifier: oauth2.GenerateVerifier(), maxAge: maxAge}
}

// authURL is the /authorize URL with state, nonce, PKCE (S256) and max_age as the request asks.
func (p *rp) authURL(req authRequest, pkce bool) string {
	opts := []oauth2.AuthCodeOption{oidc.Nonce(req.nonce)}
	if pkce {
		opts = append(opts, oauth2.S256ChallengeOption(req.verifier))
	}
	if req.maxAge != nil {
		opts = append(opts, oauth2.SetAuthURLParam("max_age", strconv.Itoa(*req.maxAge)))
	}
	return p.oauth.AuthCodeURL(req.state, opts...)
}

var stateField = regexp.MustCompile(`name="state" value="([^"]+)"`)

// signIn plays the browser: /authorize, then (unless the session answers at once) the login page's
// form with the user's button. Returns the callback URL the tenant sent the browser to, and whether
// the login page was shown.
func (b *browser) signIn(authURL, user string) (*url.URL, bool, error) {
	res, err := b.client.Get(authURL)
	if err != nil {
		return nil, false, err
	}
	body := readAll(res)
	if res.StatusCode != http.StatusFound {
		return nil, false, fmt.Errorf("/authorize answered %d: %s", res.StatusCode, body)
	}
	next, err := res.Location()
	if err != nil {
		return nil, false, err
	}
	if next.Path != "/u/login" {
		return next, false, nil
	}
	res, err = b.client.Get(next.String())
	if err != nil {
		return nil, true, err
	}
	page := readAll(res)
	match := stateField.FindStringSubmatch(page)
	if match == nil || !strings.Contains(page, `value="`+user+`"`) {
		return nil, true, fmt.Errorf("the login page does not offer %s: %s", user, page)
	}
	res, err = b.client.PostForm(next.ResolveReference(&url.URL{Path: "/u/login"}).String(), url.Values{"state": {match[1]}, "username": {user}})
	if err != nil {
		return nil, true, err
	}
	readAll(res)
	callback, err := res.Location()
	if err != nil {
		return nil, true, fmt.Errorf("the login form answered %d without a redirect", res.StatusCode)
	}
	return callback, true, nil
}

func readAll(res *http.Response) string {
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return string(b)
}

// callbackCode is the app's callback: the state must be the one it sent (CSRF), then the code.
func (p *rp) callbackCode(callback *url.URL, req authRequest) (string, error) {
	q := callback.Query()
	if !strings.HasPrefix(callback.String(), p.cfg.RedirectURI) {
		return "", fmt.Errorf("sent to %s, not the callback", callback)
	}
	if q.Get("state") != req.state {
		return "", errStateMismatch
	}
	if e := q.Get("error"); e != "" {
		return "", fmt.Errorf("%s: %s", e, q.Get("error_description"))
	}
	return q.Get("code"), nil
}

var errStateMismatch = errors.New("state mismatch: the callback is not an answer to this app's request")

type idClaims struct {
	Nonce    string `json:"nonce"`
	AuthTime *int64 `json:"auth_time"`
	Sid      string `json:"sid"`
	Email    string `json:"email"`
}

// verify checks the ID token as an app must: signature against the JWKS, iss, aud, exp (go-oidc),
// then nonce and, when max_age was asked, auth_time (OIDC Core 3.1.3.7, points 11 and 13).
func (p *rp) verify(raw string, req *authRequest) (*oidc.IDToken, idClaims, error) {
	var claims idClaims
	token, err := p.verifier.Verify(p.ctx, raw)
	if err != nil {
		return nil, claims, fmt.Errorf("ID token: %w", err)
	}
	if err := token.Claims(&claims); err != nil {
		return nil, claims, err
	}
	if req == nil {
		return token, claims, nil
	}
	if claims.Nonce != req.nonce {
		return nil, claims, fmt.Errorf("ID token nonce %q is not the one sent", claims.Nonce)
	}
	if req.maxAge != nil {
		if claims.AuthTime == nil {
			return nil, claims, errors.New("ID token has no auth_time although max_age was sent")
		}
		if age := time.Now().Unix() - *claims.AuthTime; age > int64(*req.maxAge)+clockSkew {
			return nil, claims, fmt.Errorf("auth_time is %d s old, more than max_age %d", age, *req.maxAge)
		}
	}
	return token, claims, nil
}

// oauthError names the token endpoint's refusal: status, error code and WWW-Authenticate.
func oauthError(err error) (map[string]any, bool) {
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) {
		return nil, false
	}
	detail := map[string]any{"status": re.Response.StatusCode, "error": re.ErrorCode, "error_description": re.ErrorDescription}
	if h := re.Response.Header.Get("WWW-Authenticate"); h != "" {
		detail["www_authenticate"] = h
	}
	return detail, true
}

func expectRefusal(err error, what string) (map[string]any, error) {
	if err == nil {
		return nil, fmt.Errorf("%s was accepted", what)
	}
	if detail, ok := oauthError(err); ok {
		return detail, nil
	}
	return nil, fmt.Errorf("%s: not an OAuth error: %w", what, err)
}

func intPtr(v int) *int { return &v }

// login: the whole code flow with PKCE and max_age, userinfo, then refresh with rotation and a replay.
func (p *rp) login() (map[string]any, error) {
	req := newAuthRequest(intPtr(300))
	callback, _, err := p.newBrowser().signIn(p.authURL(req, true), p.cfg.User)
	if err != nil {
		return nil, err
	}
	code, err := p.callbackCode(callback, req)
	if err != nil {
		return nil, err
	}
	token, err := p.oauth.Exchange(p.ctx, code, oauth2.VerifierOption(req.verifier))
	if err != nil {
		return nil, fmt.Errorf("code exchange: %w", err)
	}
	rawID, _ := token.Extra("id_token").(string)
	idToken, claims, err := p.verify(rawID, &req)
	if err != nil {
		return nil, err
	}
	info, err := p.provider.UserInfo(p.ctx, oauth2.StaticTokenSource(token))
	if err != nil {
		return nil, fmt.Errorf("userinfo: %w", err)
	}
	if info.Subject != idToken.Subject {
		return nil, fmt.Errorf("userinfo sub %s is not the ID token's %s", info.Subject, idToken.Subject)
	}
	result := map[string]any{
		"sub": idToken.Subject, "iss": idToken.Issuer, "aud": idToken.Audience, "auth_time": claims.AuthTime,
		"email": claims.Email, "userinfo_email": info.Email, "scope": token.Extra("scope"),
	}
	if token.RefreshToken == "" {
		result["refresh"] = "none issued"
		return result, nil
	}
	refresh, err := p.refreshAndReplay(token.RefreshToken, *claims.AuthTime)
	if err != nil {
		return nil, err
	}
	result["refresh"] = refresh
	return result, nil
}

// refreshAndReplay: one rotation (a new refresh token, an ID token with the same sub and auth_time),
// then the spent token again, which must be refused, and then its successor, which the replay revoked.
func (p *rp) refreshAndReplay(first string, authTime int64) (map[string]any, error) {
	rotated, err := p.oauth.TokenSource(p.ctx, &oauth2.Token{RefreshToken: first}).Token()
	if err != nil {
		return nil, fmt.Errorf("refresh: %w", err)
	}
	if rotated.RefreshToken == "" || rotated.RefreshToken == first {
		return nil, errors.New("refresh did not rotate the refresh token")
	}
	rawID, _ := rotated.Extra("id_token").(string)
	_, claims, err := p.verify(rawID, nil)
	if err != nil {
		return nil, fmt.Errorf("refreshed %w", err)
	}
	if claims.AuthTime == nil || *claims.AuthTime != authTime {
		return nil, errors.New("the refreshed ID token does not keep the login's auth_time")
	}
	if _, err := p.provider.UserInfo(p.ctx, oauth2.StaticTokenSource(rotated)); err != nil {
		return nil, fmt.Errorf("userinfo with the refreshed access token: %w", err)
	}
	_, replayErr := p.oauth.TokenSource(p.ctx, &oauth2.Token{RefreshToken: first}).Token()
	replay, err := expectRefusal(replayErr, "the rotated (spent) refresh token")
	if err != nil {
		return nil, err
	}
	_, afterErr := p.oauth.TokenSource(p.ctx, &oauth2.Token{RefreshToken: rotated.RefreshToken}).Token()
	successor, err := expectRefusal(afterErr, "the successor of a replayed refresh token")
	if err != nil {
		return nil, err
	}
	return map[string]any{"rotated": true, "replay": replay, "successor_after_replay": successor}, nil
}

// maxAgeZero: with a live session /authorize answers at once, but max_age=0 shows the login page again,
// and the new ID token's auth_time is that new login's.
func (p *rp) maxAgeZero() (map[string]any, error) {
	b := p.newBrowser()
	first := newAuthRequest(nil)
	if _, shown, err := b.signIn(p.authURL(first, true), p.cfg.User); err != nil || !shown {
		return nil, fmt.Errorf("first login: shown=%v %v", shown, err)
	}
	sso := newAuthRequest(nil)
	_, ssoShown, err := b.signIn(p.authURL(sso, true), p.cfg.User)
	if err != nil {
		return nil, err
	}
	before := time.Now().Unix()
	req := newAuthRequest(intPtr(0))
	callback, shown, err := b.signIn(p.authURL(req, true), p.cfg.User)
	if err != nil {
		return nil, err
	}
	code, err := p.callbackCode(callback, req)
	if err != nil {
		return nil, err
	}
	token, err := p.oauth.Exchange(p.ctx, code, oauth2.VerifierOption(req.verifier))
	if err != nil {
		return nil, err
	}
	rawID, _ := token.Extra("id_token").(string)
	_, claims, err := p.verify(rawID, &req)
	if err != nil {
		return nil, err
	}
	return map[string]any{
		"sso_showed_login_page": ssoShown, "max_age_0_showed_login_page": shown,
		"auth_time_not_before_relogin": *claims.AuthTime >= before-clockSkew,
	}, nil
}

// codeFor logs in (PKCE or not) and returns the code and the request it answers.
func (p *rp) codeFor(pkce bool) (string, authRequest, error) {
	req := newAuthRequest(nil)
	callback, _, err := p.newBrowser().signIn(p.authURL(req, pkce), p.cfg.User)
	if err != nil {
		return "", req, err
	}
	code, err := p.callbackCode(callback, req)
	return code, req, err
}

func (p *rp) wrongVerifier() (map[string]any, error) {
	code, _, err := p.codeFor(true)
	if err != nil {
		return nil, err
	}
	_, err = p.oauth.Exchange(p.ctx, code, oauth2.VerifierOption(oauth2.GenerateVerifier()))
	return expectRefusal(err, "a wrong code_verifier")
}

func (p *rp) reusedCode() (map[string]any, error) {
	code, req, err := p.codeFor(true)
	if err != nil {
		return nil, err
	}
	if _, err := p.oauth.Exchange(p.ctx, code, oauth2.VerifierOption(req.verifier)); err != nil {
		return nil, fmt.Errorf("first exchange: %w", err)
	}
	_, err = p.oauth.Exchange(p.ctx, code, oauth2.VerifierOption(req.verifier))
	return expectRefusal(err, "a code used twice")
}

// unregisteredRedirect: the tenant must show its error page, never redirect to the unknown URL.
func (p *rp) unregisteredRedirect() (map[string]any, error) {
	other := p.oauth
	other.RedirectURL = p.cfg.UnregisteredRedirectURI
	req := newAuthRequest(nil)
	res, err := p.newBrowser().client.Get(other.AuthCodeURL(req.state, oauth2.S256ChallengeOption(req.verifier)))
	if err != nil {
		return nil, err
	}
	body := readAll(res)
	if loc := res.Header.Get("Location"); loc != "" {
		return nil, fmt.Errorf("redirected to %s", loc)
	}
	return map[string]any{"status": res.StatusCode, "error_page": strings.Contains(body, "Callback URL mismatch")}, nil
}

func (p *rp) wrongSecret() (map[string]any, error) {
	code, req, err := p.codeFor(true)
	if err != nil {
		return nil, err
	}
	wrong := p.oauth
	wrong.ClientSecret = random()
	_, err = wrong.Exchange(p.ctx, code, oauth2.VerifierOption(req.verifier))
	return expectRefusal(err, "a wrong client secret")
}

// tamperedState: an attacker's callback (right code, altered state) is caught by the app itself.
func (p *rp) tamperedState() (map[string]any, error) {
	req := newAuthRequest(nil)
	callback, _, err := p.newBrowser().signIn(p.authURL(req, true), p.cfg.User)
	if err != nil {
		return nil, err
	}
	q := callback.Query()
	q.Set("state", random())
	callback.RawQuery = q.Encode()
	if _, err := p.callbackCode(callback, req); !errors.Is(err, errStateMismatch) {
		return nil, fmt.Errorf("an altered state was not detected: %v", err)
	}
	return map[string]any{"detected": true}, nil
}

// pkceDowngrade: a code asked for without a challenge, redeemed with a verifier (RFC 9700 2.1.1).
func (p *rp) pkceDowngrade() (map[string]any, error) {
	code, req, err := p.codeFor(false)
	if err != nil {
		return nil, err
	}
	_, err = p.oauth.Exchange(p.ctx, code, oauth2.VerifierOption(req.verifier))
	return expectRefusal(err, "a verifier for a code issued without a challenge")
}
