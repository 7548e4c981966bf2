// Command localcluster runs a real Kubernetes control plane for Meshboard's demo and
// end-to-end tests: kube-apiserver from k8s.io/kubernetes with etcd embedded in the
// same process, on 127.0.0.1. It is also kubectl (as `localcluster kubectl ...`, or
// when invoked through a link named kubectl), so tests and people can change the
// cluster the same way they would change a real one.
//
// No controllers run. The few things a controller-manager would normally do and the
// console relies on (RBAC ClusterRole aggregation) are done once at start.
package main

import (
	"bufio"

	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"flag"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"crypto/tls"

	"go.etcd.io/etcd/server/v3/embed"
	"k8s.io/component-base/cli"
	"k8s.io/component-base/logs"
	kubectlcmd "k8s.io/kubectl/pkg/cmd"
	kubectlutil "k8s.io/kubectl/pkg/cmd/util"
	"k8s.io/kubernetes/cmd/kube-apiserver/app"

	_ "k8s.io/component-base/logs/json/register"
)

func main() {
	if filepath.Base(os.Args[0]) == "kubectl" {
		runKubectl(os.Args)
		return
	}
	if len(os.Args) > 1 && os.Args[1] == "kubectl" {
		runKubectl(append([]string{"kubectl"}, os.Args[2:]...))
		return
	}
	if len(os.Args) > 2 && os.Args[1] == "certpair" {
		// Demo data: a self-signed certificate for a TLS Secret (PEM cert, blank line, PEM key).
		cert, key, err := selfSigned(os.Args[2])
		if err != nil {
			fmt.Fprintln(os.Stderr, "localcluster:", err)
			os.Exit(1)
		}
		fmt.Print(cert + "\n" + key)
		return
	}
	if len(os.Args) > 1 && os.Args[1] == "serve" {
		if err := serve(os.Args[2:]); err != nil {
			fmt.Fprintln(os.Stderr, "localcluster:", err)
			os.Exit(1)
		}
		return
	}
	fmt.Fprintln(os.Stderr, "usage: localcluster serve [--dir DIR] [--port N] [--watch-stdin]\n       localcluster kubectl ARGS...")
	os.Exit(2)
}

func runKubectl(args []string) {
	os.Args = args
	logs.GlogSetter(kubectlcmd.GetLogVerbosity(os.Args)) // nolint:errcheck
	command := kubectlcmd.NewDefaultKubectlCommand()
	if err := cli.RunNoErrOutput(command); err != nil {
		kubectlutil.CheckErr(err)
	}
}

type options struct {
	dir        string
	port       int
	watchStdin bool
}

func serve(argv []string) error {
	var o options
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.StringVar(&o.dir, "dir", "", "data folder (default: a new temporary folder, removed on exit)")
	fs.IntVar(&o.port, "port", 0, "secure port for the API server (default: a free port)")
	fs.BoolVar(&o.watchStdin, "watch-stdin", false, "stop when standard input closes (the parent went away)")
	if err := fs.Parse(argv); err != nil {
		return err
	}
	removeDir := false
	if o.dir == "" {
		d, err := os.MkdirTemp("", "meshboard-cluster-")
		if err != nil {
			return err
		}
		o.dir, removeDir = d, true
	}
	if err := os.MkdirAll(o.dir, 0o700); err != nil {
		return err
	}
	if removeDir {
		defer os.RemoveAll(o.dir)
	}

	apiPort := o.port
	if apiPort == 0 {
		apiPort = freePort()
	}
	etcdClient, etcdPeer := freePort(), freePort()

	pki, err := writePKI(o.dir)
	if err != nil {
		return fmt.Errorf("certificates: %w", err)
	}
	tokens, err := writeTokens(o.dir)
	if err != nil {
		return fmt.Errorf("tokens: %w", err)
	}

	etcd, err := startEtcd(filepath.Join(o.dir, "etcd"), etcdClient, etcdPeer)
	if err != nil {
		return fmt.Errorf("etcd: %w", err)
	}
	defer etcd.Close()

	args := []string{
		"--etcd-servers=http://127.0.0.1:" + strconv.Itoa(etcdClient),
		"--bind-address=127.0.0.1",
		"--advertise-address=127.0.0.1",
		"--secure-port=" + strconv.Itoa(apiPort),
		"--cert-dir=" + filepath.Join(o.dir, "certs"),
		"--tls-cert-file=" + pki.servingCert,
		"--tls-private-key-file=" + pki.servingKey,
		"--client-ca-file=" + pki.caCert,
		"--token-auth-file=" + tokens.file,
		"--authorization-mode=RBAC",
		"--service-account-issuer=https://kubernetes.default.svc.cluster.local",
		"--service-account-key-file=" + pki.saKey,
		"--service-account-signing-key-file=" + pki.saKey,
		"--service-cluster-ip-range=10.96.0.0/16",
		"--allow-privileged=true",
		// No controller-manager creates the `default` ServiceAccount of a namespace, so
		// the ServiceAccount admission plugin would refuse every Pod the seeder writes.
		"--disable-admission-plugins=ServiceAccount",
		"--enable-priority-and-fairness=false",
		"--profiling=false",
		// The endpoint reconciler refuses loopback addresses; nothing in-cluster needs it.
		"--endpoint-reconciler-type=none",
		"--v=0",
	}
	cmd := app.NewAPIServerCommand()
	cmd.SetArgs(args)
	ctx := cmd.Context()
	apiErr := make(chan error, 1)
	go func() { apiErr <- cmd.Execute() }()

	server := "https://127.0.0.1:" + strconv.Itoa(apiPort)
	if err := waitReady(server, pki.caPEM, tokens.admin, apiErr, 120*time.Second); err != nil {
		return err
	}
	if err := bootstrapRBAC(server, pki.caPEM, tokens.admin); err != nil {
		return fmt.Errorf("rbac bootstrap: %w", err)
	}
	kubeconfig := filepath.Join(o.dir, "kubeconfig")
	if err := writeKubeconfig(kubeconfig, server, pki.caPEM, tokens); err != nil {
		return err
	}
	// The line the harness waits for.
	fmt.Printf("READY server=%s kubeconfig=%s\n", server, kubeconfig)

	if o.watchStdin {
		go func() {
			r := bufio.NewReader(os.Stdin)
			for {
				if _, err := r.ReadByte(); err != nil {
					p, _ := os.FindProcess(os.Getpid())
					_ = p.Signal(os.Interrupt)
					return
				}
			}
		}()
	}

	select {
	case err := <-apiErr:
		if err != nil && ctx.Err() == nil {
			return fmt.Errorf("kube-apiserver stopped: %w", err)
		}
	case <-ctx.Done():
		select {
		case <-apiErr:
		case <-time.After(20 * time.Second):
		}
	}
	fmt.Println("STOPPED")
	return nil
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

func freePort() int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func startEtcd(dir string, clientPort, peerPort int) (*embed.Etcd, error) {
	cfg := embed.NewConfig()
	cfg.Dir = dir
	cfg.Name = "meshboard"
	cu, _ := url.Parse("http://127.0.0.1:" + strconv.Itoa(clientPort))
	pu, _ := url.Parse("http://127.0.0.1:" + strconv.Itoa(peerPort))
	cfg.ListenClientUrls = []url.URL{*cu}
	cfg.AdvertiseClientUrls = []url.URL{*cu}
	cfg.ListenPeerUrls = []url.URL{*pu}
	cfg.AdvertisePeerUrls = []url.URL{*pu}
	cfg.InitialCluster = cfg.Name + "=" + pu.String()
	cfg.LogLevel = "error"
	cfg.UnsafeNoFsync = true // test data; speed over durability
	e, err := embed.StartEtcd(cfg)
	if err != nil {
		return nil, err
	}
	select {
	case <-e.Server.ReadyNotify():
		return e, nil
	case <-time.After(60 * time.Second):
		e.Close()
		return nil, fmt.Errorf("not ready within 60s")
	}
}

type pkiFiles struct {
	caCert, caPEM, servingCert, servingKey, saKey string
}

// writePKI creates a CA, a serving certificate and a service-account key, or reuses
// them when the folder already has them (a restart keeps clients' kubeconfig valid).
func writePKI(dir string) (pkiFiles, error) {
	var p pkiFiles
	pdir := filepath.Join(dir, "pki")
	if err := os.MkdirAll(pdir, 0o700); err != nil {
		return p, err
	}
	p.caCert = filepath.Join(pdir, "ca.crt")
	p.servingCert = filepath.Join(pdir, "apiserver.crt")
	p.servingKey = filepath.Join(pdir, "apiserver.key")
	p.saKey = filepath.Join(pdir, "sa.key")
	if data, err := os.ReadFile(p.caCert); err == nil && fileExists(p.servingCert) && fileExists(p.servingKey) && fileExists(p.saKey) {
		p.caPEM = string(data)
		return p, nil
	}
	caKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return p, err
	}
	now := time.Now()
	caTmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "meshboard-local-ca"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(10 * 365 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		return p, err
	}
	ca, _ := x509.ParseCertificate(caDER)
	srvKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return p, err
	}
	srvTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2),
		Subject:      pkix.Name{CommonName: "kube-apiserver"},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(10 * 365 * 24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1"), net.ParseIP("10.96.0.1")},
		DNSNames:     []string{"localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc"},
	}
	srvDER, err := x509.CreateCertificate(rand.Reader, srvTmpl, ca, &srvKey.PublicKey, caKey)
	if err != nil {
		return p, err
	}
	saKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return p, err
	}
	caPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER})
	p.caPEM = string(caPEM)
	files := map[string][]byte{
		p.caCert:      caPEM,
		p.servingCert: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srvDER}),
		p.servingKey:  pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(srvKey)}),
		p.saKey:       pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(saKey)}),
	}
	for name, data := range files {
		if err := os.WriteFile(name, data, 0o600); err != nil {
			return p, err
		}
	}
	return p, nil
}

func selfSigned(host string) (string, string, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return "", "", err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(now.UnixNano()),
		Subject:      pkix.Name{CommonName: host},
		DNSNames:     []string{host},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(365 * 24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return "", "", err
	}
	cert := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
	k := string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}))
	return cert, k, nil
}

type tokenSet struct{ file, admin, viewer string }

// tokenUsers are the people of the token file: admin and viewer (the kubeconfig's
// contexts) and the team members of the in-cluster identity tests, whose RBAC
// bootstrapRBAC grants (alice: edit in shop; bob: view in default; carol: nothing;
// dave: only VirtualService shop/user-service-vs).
var tokenUsers = []struct{ name, groups string }{
	{"admin", "system:masters"},
	{"viewer", "meshboard:viewers"},
	{"alice", "meshboard:team"},
	{"bob", "meshboard:team"},
	{"carol", "meshboard:team"},
	{"dave", "meshboard:team"},
}

func randomToken() string {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

// writeTokens writes tokens.csv (token,user,uid,"groups"), keeping the tokens of an
// earlier run on the same folder and adding any user that file lacks.
func writeTokens(dir string) (tokenSet, error) {
	file := filepath.Join(dir, "tokens.csv")
	known := map[string]string{}
	if data, err := os.ReadFile(file); err == nil {
		for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
			f := strings.Split(line, ",")
			if len(f) >= 2 {
				known[f[1]] = f[0]
			}
		}
	}
	var b strings.Builder
	for _, u := range tokenUsers {
		if known[u.name] == "" {
			known[u.name] = randomToken()
		}
		fmt.Fprintf(&b, "%s,%s,%s-uid,\"%s\"\n", known[u.name], u.name, u.name, u.groups)
	}
	t := tokenSet{file: file, admin: known["admin"], viewer: known["viewer"]}
	return t, os.WriteFile(file, []byte(b.String()), 0o600)
}

func httpClient(caPEM string) *http.Client {
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM([]byte(caPEM))
	return &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
}

func waitReady(server, caPEM, token string, apiErr chan error, limit time.Duration) error {
	c := httpClient(caPEM)
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		select {
		case err := <-apiErr:
			return fmt.Errorf("kube-apiserver exited before it was ready: %v", err)
		default:
		}
		req, _ := http.NewRequest("GET", server+"/readyz", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		if resp, err := c.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return nil
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	return fmt.Errorf("kube-apiserver not ready within %s", limit)
}

func writeKubeconfig(path, server, caPEM string, t tokenSet) error {
	ca := b64(caPEM)
	var b strings.Builder
	fmt.Fprintf(&b, "apiVersion: v1\nkind: Config\nclusters:\n- name: local\n  cluster:\n    server: %s\n    certificate-authority-data: %s\n", server, ca)
	b.WriteString("users:\n")
	fmt.Fprintf(&b, "- name: admin\n  user:\n    token: %s\n", t.admin)
	fmt.Fprintf(&b, "- name: viewer\n  user:\n    token: %s\n", t.viewer)
	b.WriteString("contexts:\n- name: admin\n  context:\n    cluster: local\n    user: admin\n- name: viewer\n  context:\n    cluster: local\n    user: viewer\ncurrent-context: admin\n")
	return os.WriteFile(path, []byte(b.String()), 0o600)
}
