#!/usr/bin/env bash
# Checks, before a deploy, that every key administrator in the comma-separated
# list (the stack parameter KeyAdminArns) is an IAM role or user that exists:
# KMS refuses a key policy naming a principal that does not, and the deploy
# would fail halfway. Uses the AWS CLI with the current credentials
# (sts:GetCallerIdentity, iam:GetRole, iam:GetUser).
#
#   infra/scripts/check-key-admins.sh 'arn:aws:iam::123456789012:role/VaultKeyAdmin,arn:aws:iam::123456789012:role/Breakglass'
set -euo pipefail

# The stack's allowedPattern for each member (KEY_ADMIN_ARN_PATTERN in infra/app/stack.ts).
pattern='^arn:aws[a-z-]*:iam::([0-9]{12}):(role|user)/([A-Za-z0-9+=.@_/-]+)$'

error() {
  if [[ ${GITHUB_ACTIONS:-} == true ]]; then echo "::error::$1"; else echo "check-key-admins: $1" >&2; fi
}

list=${1-}
if [[ -z $list ]]; then
  error 'no key administrator ARNs given: KeyAdminArns has no default; set the repository variable KEY_ADMIN_ARNS_<ENV> (README: Deploy per environment)'
  exit 1
fi

account=$(aws sts get-caller-identity --query Account --output text)
failed=0
IFS=',' read -r -a arns <<<"$list"
for arn in "${arns[@]}"; do
  if [[ ! $arn =~ $pattern ]]; then
    error "\"$arn\" is not an IAM role or user ARN (arn:aws:iam::123456789012:role/Name); no spaces around the commas"
    failed=$((failed + 1))
    continue
  fi
  owner=${BASH_REMATCH[1]} kind=${BASH_REMATCH[2]} path_and_name=${BASH_REMATCH[3]}
  if [[ $owner != "$account" ]]; then
    echo "not checked: $arn is in account $owner, these credentials are for $account"
    continue
  fi
  name=${path_and_name##*/}
  if [[ $kind == role ]]; then
    found=$(aws iam get-role --role-name "$name" --query Role.Arn --output text 2>&1) || found="error: $found"
  else
    found=$(aws iam get-user --user-name "$name" --query User.Arn --output text 2>&1) || found="error: $found"
  fi
  if [[ $found == "$arn" ]]; then
    echo "ok: $arn exists"
  elif [[ $found == *NoSuchEntity* ]]; then
    error "key administrator $arn does not exist: create the $kind first (README: Deploy per environment)"
    failed=$((failed + 1))
  elif [[ $found == error:* ]]; then
    error "cannot check key administrator $arn: $(tr '\n' ' ' <<<"${found#error: }")"
    failed=$((failed + 1))
  else
    error "key administrator $arn does not exist: the $kind named $name is $found (another path)"
    failed=$((failed + 1))
  fi
done

if ((failed > 0)); then
  error "$failed of ${#arns[@]} key administrators missing or unchecked; nothing was deployed"
  exit 1
fi
