//go:build tools

// Package tools pins istioctl (istio.io/istio/istioctl/cmd/istioctl) as a dependency of
// this scratch module, so `go build istio.io/istio/istioctl/cmd/istioctl` builds the
// reference analyzer the analysis benchmark compares Meshboard with. Not shipped.
package tools

import _ "istio.io/istio/istioctl/cmd/istioctl"
