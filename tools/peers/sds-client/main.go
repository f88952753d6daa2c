// sds-client is a minimal Envoy SDS (v3) client for Signet's interop tests: it connects to an agent's Unix
// socket, opens StreamSecrets for the given resource names as an Envoy would (node with a user agent
// build version), prints every response as one line of protojson on stdout (private keys redacted), and
// ACKs it. It exits 0 after -responses responses, 2 when the stream fails (the status on stderr).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	tlsv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/transport_sockets/tls/v3"
	discoveryv3 "github.com/envoyproxy/go-control-plane/envoy/service/discovery/v3"
	secretv3 "github.com/envoyproxy/go-control-plane/envoy/service/secret/v3"
	typev3 "github.com/envoyproxy/go-control-plane/envoy/type/v3"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/types/known/anypb"
)

const secretType = "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret"

func main() {
	socket := flag.String("socket", "/tmp/spire-agent/public/api.sock", "the agent's Workload API socket")
	names := flag.String("names", "default,ROOTCA", "comma-separated resource names (empty: all)")
	responses := flag.Int("responses", 1, "exit after this many responses (0: never)")
	envoyVersion := flag.String("envoy-version", "1.36", "major.minor sent as node.user_agent_build_version (empty: none)")
	timeout := flag.Duration("timeout", 60*time.Second, "give up after this long")
	flag.Parse()

	if err := run(*socket, splitNames(*names), *responses, *envoyVersion, *timeout); err != nil {
		fmt.Fprintln(os.Stderr, "sds-client:", err)
		os.Exit(2)
	}
}

func splitNames(text string) []string {
	if text == "" {
		return nil
	}
	return strings.Split(text, ",")
}

func node(version string) (*corev3.Node, error) {
	n := &corev3.Node{Id: "sds-client", Cluster: "signet-interop", UserAgentName: "envoy"}
	if version == "" {
		return n, nil
	}
	major, minor, ok := strings.Cut(version, ".")
	ma, err1 := strconv.Atoi(major)
	mi, err2 := strconv.Atoi(minor)
	if !ok || err1 != nil || err2 != nil {
		return nil, fmt.Errorf("-envoy-version %q is not major.minor", version)
	}
	n.UserAgentVersionType = &corev3.Node_UserAgentBuildVersion{UserAgentBuildVersion: &corev3.BuildVersion{
		Version: &typev3.SemanticVersion{MajorNumber: uint32(ma), MinorNumber: uint32(mi)},
	}}
	return n, nil
}

func run(socket string, names []string, want int, version string, timeout time.Duration) error {
	n, err := node(version)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	conn, err := grpc.NewClient("unix://"+socket, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return err
	}
	defer conn.Close()
	stream, err := secretv3.NewSecretDiscoveryServiceClient(conn).StreamSecrets(ctx)
	if err != nil {
		return err
	}
	request := &discoveryv3.DiscoveryRequest{Node: n, ResourceNames: names, TypeUrl: secretType}
	if err := stream.Send(request); err != nil {
		return err
	}
	for received := 0; want == 0 || received < want; received++ {
		response, err := stream.Recv()
		if err != nil {
			return fmt.Errorf("stream ended: code=%s desc=%q", status.Code(err), status.Convert(err).Message())
		}
		line, err := redacted(response)
		if err != nil {
			return err
		}
		fmt.Println(line)
		ack := &discoveryv3.DiscoveryRequest{ResourceNames: names, TypeUrl: secretType,
			VersionInfo: response.VersionInfo, ResponseNonce: response.Nonce}
		if err := stream.Send(ack); err != nil {
			return err
		}
	}
	return stream.CloseSend()
}

// redacted renders a response as one line of JSON, each private key replaced by a marker.
func redacted(response *discoveryv3.DiscoveryResponse) (string, error) {
	copied := &discoveryv3.DiscoveryResponse{VersionInfo: response.VersionInfo, Nonce: response.Nonce,
		TypeUrl: response.TypeUrl}
	for _, resource := range response.Resources {
		secret := &tlsv3.Secret{}
		if err := resource.UnmarshalTo(secret); err != nil {
			return "", fmt.Errorf("resource of type %q is not a secret: %w", resource.TypeUrl, err)
		}
		if cert := secret.GetTlsCertificate(); cert != nil && cert.PrivateKey != nil {
			cert.PrivateKey = &corev3.DataSource{Specifier: &corev3.DataSource_InlineString{InlineString: "[redacted]"}}
		}
		packed, err := anypb.New(secret)
		if err != nil {
			return "", err
		}
		copied.Resources = append(copied.Resources, packed)
	}
	out, err := protojson.MarshalOptions{}.Marshal(copied)
	return string(out), err
}
