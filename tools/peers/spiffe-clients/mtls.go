package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"strings"

	"github.com/spiffe/go-spiffe/v2/spiffeid"
	"github.com/spiffe/go-spiffe/v2/spiffetls"
	"github.com/spiffe/go-spiffe/v2/spiffetls/tlsconfig"
	"github.com/spiffe/go-spiffe/v2/workloadapi"
)

// exchange is what one side of a spiffetls connection saw: the peer's authenticated SPIFFE ID and the line it sent.
type exchange struct {
	Listening string `json:"listening,omitempty"`
	PeerID    string `json:"peer_spiffe_id"`
	Received  string `json:"received"`
}

// mtlsMode is one side's spiffetls mutual TLS mode (MTLSServerWithSourceOptions or MTLSClientWithSourceOptions):
// SVID and bundles from the Workload API at socket, the peer authorized only as the SPIFFE ID want.
func mtlsMode[M any](socket, want string,
	mode func(tlsconfig.Authorizer, ...workloadapi.X509SourceOption) M) (M, error) {
	id, err := spiffeid.FromString(want)
	if err != nil {
		var none M
		return none, fmt.Errorf("bad -authorize: %w", err)
	}
	return mode(tlsconfig.AuthorizeID(id), workloadapi.WithClientOptions(workloadapi.WithAddr(socket))), nil
}

// seen reads the peer's line from an authenticated connection: what this side saw.
func seen(conn net.Conn) (*exchange, error) {
	line, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil {
		return nil, fmt.Errorf("read: %w", err)
	}
	peer, err := spiffetls.PeerIDFromConn(conn)
	if err != nil {
		return nil, err
	}
	return &exchange{PeerID: peer.String(), Received: strings.TrimSpace(line)}, nil
}

// serveMTLS listens with spiffetls (mutual TLS, SVID and bundles from the Workload API), prints the address as a
// first JSON line, accepts one connection from a client with the authorized SPIFFE ID, answers its line and
// returns what it saw.
func serveMTLS(ctx context.Context, socket, address, want string) (*exchange, error) {
	mode, err := mtlsMode(socket, want, spiffetls.MTLSServerWithSourceOptions)
	if err != nil {
		return nil, err
	}
	listener, err := spiffetls.ListenWithMode(ctx, "tcp", address, mode)
	if err != nil {
		return nil, fmt.Errorf("listen: %w", err)
	}
	defer listener.Close()
	if err := json.NewEncoder(os.Stdout).Encode(exchange{Listening: listener.Addr().String()}); err != nil {
		return nil, err
	}
	go func() { <-ctx.Done(); listener.Close() }()
	for {
		conn, err := listener.Accept()
		if err != nil {
			return nil, fmt.Errorf("accept: %w", err)
		}
		seen, err := answer(conn)
		if err != nil { // a refused client (wrong SPIFFE ID) fails its handshake here: keep serving
			fmt.Fprintln(os.Stderr, "go-spiffe-client: connection refused:", err)
			continue
		}
		return seen, nil
	}
}

func answer(conn net.Conn) (*exchange, error) {
	defer conn.Close()
	saw, err := seen(conn)
	if err != nil {
		return nil, err
	}
	if _, err := fmt.Fprintf(conn, "hello %s\n", saw.PeerID); err != nil {
		return nil, err
	}
	return saw, nil
}

// dialMTLS connects with spiffetls to a server that must present the authorized SPIFFE ID, sends one line and
// returns the server's answer.
func dialMTLS(ctx context.Context, socket, address, want string) (*exchange, error) {
	mode, err := mtlsMode(socket, want, spiffetls.MTLSClientWithSourceOptions)
	if err != nil {
		return nil, err
	}
	conn, err := spiffetls.DialWithMode(ctx, "tcp", address, mode)
	if err != nil {
		return nil, fmt.Errorf("dial: %w", err)
	}
	defer conn.Close()
	if _, err := fmt.Fprintln(conn, "ping"); err != nil {
		return nil, fmt.Errorf("write: %w", err)
	}
	return seen(conn)
}
