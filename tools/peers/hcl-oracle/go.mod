module dev.signet/peers/hcl-oracle

go 1.26.8

require github.com/hashicorp/hcl v1.0.1-vault-7
