// A complete withdrawal on each API, written in TypeScript from the specs alone: the types come
// from openapi-typescript (openapi/*.yaml), the calls from openapi-fetch, the STARK signature
// from @scure/starknet, following the signing rules in the spec's description of withdrawalto.
//
// Usage: node withdraw.mjs REDDIO_URL OMNIA_URL RECEIVER
// Environment: STARK_PRIVATE_KEY (0x-hex), OMNIA_TOKEN. Prints one JSON object of results.
import { randomUUID } from "node:crypto";
import { pedersen, sign, getStarkKey } from "@scure/starknet";
import createClient from "openapi-fetch";
// Type-only imports: generated from the specs before compiling, erased from the output.
import type { paths as ReddioPaths } from "../../build/interop/specs/reddio.js";
import type { paths as OmniaPaths } from "../../build/interop/specs/omnia.js";

const HUMAN_AMOUNT = "0.25"; // ETH
const EXPIRATION_HOURS = 4194303; // 2^22 - 1, the SDKs' default
const DONE = new Set(["COMPLETED", "REJECTED", "FAILED", "CANCELLED", "EXPIRED"]);

function fail(message: string): never {
  throw new Error(message);
}

/** The `data` of a Reddio envelope, once `status` says OK. */
function ok<T>(what: string, envelope: { status: string; error?: string | null; data?: T | null } | undefined): T {
  if (envelope === undefined || envelope.status !== "OK" || envelope.data == null) {
    fail(`${what}: ${JSON.stringify(envelope)}`);
  }
  return envelope.data;
}

/** human * 10^decimals / quantum, which must come out whole (exact: bigint arithmetic). */
function quantize(human: string, decimals: number, quantum: bigint): bigint {
  const [whole, fraction = ""] = human.split(".");
  if (fraction.length > decimals) fail(`amount: more than ${decimals} decimals`);
  const units = BigInt(whole + fraction.padEnd(decimals, "0"));
  if (units % quantum !== 0n) fail("amount: not a whole number of quanta");
  return units / quantum;
}

const hex = (value: bigint): string => "0x" + value.toString(16);

async function reddioWithdrawal(baseUrl: string, privateKey: string, receiver: string) {
  const reddio = createClient<ReddioPaths>({ baseUrl });
  const starkKey = hex(BigInt(getStarkKey(privateKey))); // no leading zeros, as the spec says
  const contract = { type: "ETH", contract_address: "ETH" };

  const info = ok("contract_info", (await reddio.GET("/v1/contract_info", { params: { query: contract } })).data);
  const assetId = ok("assetid", (await reddio.GET("/v1/assetid", { params: { query: contract } })).data).asset_id;
  const vaults = ok(
    "vaults",
    (await reddio.GET("/v1/vaults", { params: { query: { asset_id: assetId, stark_keys: `${starkKey},${receiver}` } } }))
      .data,
  ).vault_ids;
  const [vault, receiverVault] = vaults.map(BigInt);
  const nonce = ok("nonce", (await reddio.GET("/v1/nonce", { params: { query: { stark_key: starkKey } } })).data).nonce;
  if (vault === undefined || receiverVault === undefined) fail("vaults: expected two");
  const amount = quantize(HUMAN_AMOUNT, Number(info.decimals), BigInt(info.quantum));

  // The StarkEx transfer message, exactly as the spec's description of POST /v1/withdrawalto says.
  let w = 1n;
  w = (w << 31n) | vault;
  w = (w << 31n) | receiverVault;
  w = (w << 63n) | amount;
  w = w << 63n;
  w = (w << 31n) | BigInt(nonce);
  w = (w << 22n) | BigInt(EXPIRATION_HOURS);
  const msgHash = pedersen(pedersen(BigInt(assetId), BigInt(receiver)), w);
  const signature = sign(msgHash, privateKey);
  const signed = { r: hex(signature.r), s: hex(signature.s) };

  const posted = await reddio.POST("/v1/withdrawalto", {
    body: {
      contract_address: "ETH",
      asset_id: assetId,
      stark_key: starkKey,
      amount: amount.toString(),
      token_id: "",
      nonce,
      vault_id: vault.toString(),
      receiver,
      receiver_vault_id: receiverVault.toString(),
      expiration_timestamp: EXPIRATION_HOURS,
      signature: signed,
    },
  });
  const sequenceId = ok("withdrawalto", posted.data).sequence_id;
  const records = ok("record/by/signature", (await reddio.GET("/v1/record/by/signature", { params: { query: signed } })).data);
  const record = records[0] ?? fail("record/by/signature: no record");
  const ready = ok(
    "withdrawal/status",
    (await reddio.GET("/v1/withdrawal/status", { params: { query: { stage: "withdrawarea", ethaddress: receiver } } })).data,
  );
  const contracts = ok("starkex/contracts", (await reddio.GET("/v1/starkex/contracts")).data);
  return {
    stark_key: starkKey,
    sequence_id: sequenceId,
    msg_hash: msgHash,
    signature: signed,
    record: { sequence_id: record.sequence_id, status: record.status, record_type: record.record_type },
    withdrawable: ready.map((asset) => String(asset.amount)),
    starkex_contracts: contracts,
  };
}

async function omniaWithdrawal(baseUrl: string, token: string) {
  const omnia = createClient<OmniaPaths>({ baseUrl, headers: { Authorization: `Bearer ${token}` } });
  const instructionId = randomUUID();
  const posted = await omnia.POST("/v2/withdrawals", {
    body: {
      instructionId,
      orderSource: "ETHEREUM",
      tokenAddress: "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48",
      amount: "5.67",
      deadline: Date.now() + 10 * 60 * 1000,
      signature: "0x" + "ab".repeat(65),
    },
  });
  let withdrawal = posted.data ?? fail(`POST /v2/withdrawals: ${JSON.stringify(posted.error)}`);
  for (let attempt = 0; !DONE.has(withdrawal.status); attempt++) {
    if (attempt === 50) fail(`withdrawal ${instructionId} still ${withdrawal.status}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const got = await omnia.GET("/v2/withdrawals/{instructionId}", { params: { path: { instructionId } } });
    withdrawal = got.data ?? fail(`GET /v2/withdrawals: ${JSON.stringify(got.error)}`);
  }
  return { instructionId, status: withdrawal.status, transactionId: withdrawal.transactionId ?? null };
}

async function main(): Promise<void> {
  const [reddioUrl, omniaUrl, receiver] = process.argv.slice(2);
  const privateKey = process.env["STARK_PRIVATE_KEY"];
  const token = process.env["OMNIA_TOKEN"];
  if (!reddioUrl || !omniaUrl || !receiver || !privateKey || !token) {
    fail("usage: withdraw.mjs REDDIO_URL OMNIA_URL RECEIVER (env STARK_PRIVATE_KEY, OMNIA_TOKEN)");
  }
  const reddio = await reddioWithdrawal(reddioUrl, privateKey, receiver);
  const omnia = await omniaWithdrawal(omniaUrl, token);
  process.stdout.write(JSON.stringify({ reddio, omnia }) + "\n");
}

await main();
