package main

import (
	"context"
	"encoding/base64"
	"fmt"
	"reflect"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
)

func b64(s string) string { return base64std.EncodeToString([]byte(s)) }

var base64std = base64.StdEncoding

var istioGroups = []string{
	"networking.istio.io", "security.istio.io", "telemetry.istio.io",
	"extensions.istio.io", "install.istio.io", "authentication.istio.io",
	"config.istio.io", "rbac.istio.io",
}

// bootstrapRBAC makes the built-in roles usable without a controller-manager:
// Istio kinds join view/edit/admin the way an Istio install's aggregated roles do,
// the viewer group is bound to `view`, and the aggregated ClusterRoles are filled in
// once (the clusterrole-aggregation controller's job).
func bootstrapRBAC(server, caPEM, token string) error {
	cs, err := kubernetes.NewForConfig(&rest.Config{
		Host:            server,
		BearerToken:     token,
		TLSClientConfig: rest.TLSClientConfig{CAData: []byte(caPEM)},
	})
	if err != nil {
		return err
	}
	ctx := context.Background()
	roles := []rbacv1.ClusterRole{
		{
			ObjectMeta: metav1.ObjectMeta{Name: "meshboard:istio-view", Labels: map[string]string{"rbac.authorization.k8s.io/aggregate-to-view": "true"}},
			Rules:      []rbacv1.PolicyRule{{APIGroups: istioGroups, Resources: []string{"*"}, Verbs: []string{"get", "list", "watch"}}},
		},
		{
			ObjectMeta: metav1.ObjectMeta{Name: "meshboard:istio-edit", Labels: map[string]string{
				"rbac.authorization.k8s.io/aggregate-to-edit":  "true",
				"rbac.authorization.k8s.io/aggregate-to-admin": "true",
			}},
			Rules: []rbacv1.PolicyRule{{APIGroups: istioGroups, Resources: []string{"*"}, Verbs: []string{"create", "update", "patch", "delete", "deletecollection"}}},
		},
		{
			// CRDs are cluster-scoped; reading them is how the console discovers kinds
			// and schemas, so viewers may read them too.
			ObjectMeta: metav1.ObjectMeta{Name: "meshboard:crd-view", Labels: map[string]string{"rbac.authorization.k8s.io/aggregate-to-view": "true"}},
			Rules:      []rbacv1.PolicyRule{{APIGroups: []string{"apiextensions.k8s.io"}, Resources: []string{"customresourcedefinitions"}, Verbs: []string{"get", "list", "watch"}}},
		},
	}
	for i := range roles {
		if _, err := cs.RbacV1().ClusterRoles().Create(ctx, &roles[i], metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
			return err
		}
	}
	binding := &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "meshboard:viewers"},
		RoleRef:    rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: "view"},
		Subjects:   []rbacv1.Subject{{APIGroup: "rbac.authorization.k8s.io", Kind: "Group", Name: "meshboard:viewers"}},
	}
	if _, err := cs.RbacV1().ClusterRoleBindings().Create(ctx, binding, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		return err
	}
	if err := teamRBAC(ctx, cs); err != nil {
		return err
	}
	// View aggregates into edit, edit into admin: a few passes reach the fixed point.
	for pass := 0; pass < 4; pass++ {
		changed, err := aggregateOnce(ctx, cs)
		if err != nil {
			return err
		}
		if !changed {
			return nil
		}
	}
	return nil
}

func aggregateOnce(ctx context.Context, cs kubernetes.Interface) (bool, error) {
	list, err := cs.RbacV1().ClusterRoles().List(ctx, metav1.ListOptions{})
	if err != nil {
		return false, err
	}
	changed := false
	for _, role := range list.Items {
		if role.AggregationRule == nil {
			continue
		}
		var rules []rbacv1.PolicyRule
		for _, sel := range role.AggregationRule.ClusterRoleSelectors {
			s, err := metav1.LabelSelectorAsSelector(&sel)
			if err != nil {
				return false, fmt.Errorf("%s: %w", role.Name, err)
			}
			for _, other := range list.Items {
				if other.Name == role.Name || !s.Matches(labels.Set(other.Labels)) {
					continue
				}
				for _, r := range other.Rules {
					if !containsRule(rules, r) {
						rules = append(rules, r)
					}
				}
			}
		}
		if reflect.DeepEqual(rules, role.Rules) {
			continue
		}
		updated := role.DeepCopy()
		updated.Rules = rules
		if _, err := cs.RbacV1().ClusterRoles().Update(ctx, updated, metav1.UpdateOptions{}); err != nil {
			return false, fmt.Errorf("aggregate %s: %w", role.Name, err)
		}
		changed = true
	}
	return changed, nil
}

func containsRule(rules []rbacv1.PolicyRule, r rbacv1.PolicyRule) bool {
	for _, x := range rules {
		if reflect.DeepEqual(x, r) {
			return true
		}
	}
	return false
}

// teamRBAC grants the token file's team members what a team would give them:
// alice edit in namespace shop, bob view in namespace default, carol nothing, and dave
// get/update/patch on the single VirtualService shop/user-service-vs.
func teamRBAC(ctx context.Context, cs kubernetes.Interface) error {
	for _, ns := range []string{"shop"} {
		obj := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}
		if _, err := cs.CoreV1().Namespaces().Create(ctx, obj, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
			return err
		}
	}
	user := func(name string) []rbacv1.Subject {
		return []rbacv1.Subject{{APIGroup: "rbac.authorization.k8s.io", Kind: "User", Name: name}}
	}
	role := &rbacv1.Role{
		ObjectMeta: metav1.ObjectMeta{Name: "meshboard:user-service-vs-editor", Namespace: "shop"},
		Rules: []rbacv1.PolicyRule{{
			APIGroups: []string{"networking.istio.io"}, Resources: []string{"virtualservices"},
			ResourceNames: []string{"user-service-vs"}, Verbs: []string{"get", "update", "patch"},
		}},
	}
	if _, err := cs.RbacV1().Roles("shop").Create(ctx, role, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		return err
	}
	bindings := []rbacv1.RoleBinding{
		{ObjectMeta: metav1.ObjectMeta{Name: "meshboard:alice-edit", Namespace: "shop"}, Subjects: user("alice"),
			RoleRef: rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: "edit"}},
		{ObjectMeta: metav1.ObjectMeta{Name: "meshboard:bob-view", Namespace: "default"}, Subjects: user("bob"),
			RoleRef: rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: "view"}},
		{ObjectMeta: metav1.ObjectMeta{Name: "meshboard:dave-user-service-vs", Namespace: "shop"}, Subjects: user("dave"),
			RoleRef: rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "Role", Name: role.Name}},
	}
	for i := range bindings {
		b := &bindings[i]
		if _, err := cs.RbacV1().RoleBindings(b.Namespace).Create(ctx, b, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
			return err
		}
	}
	return nil
}
