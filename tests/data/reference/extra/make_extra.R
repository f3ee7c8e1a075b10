# Extra reference values for tests/analysis (R survey 4.1-1, Debian r-cran-survey).
# Run from this folder:  Rscript make_extra.R   -> extra.json, bootstrap_multipliers.csv
suppressMessages({library(survey); library(jsonlite)})
data(api)
lonely_data <- read.csv("../lonely_apistrat.csv")
out <- list()
put <- function(key, stat, df = NULL, level = 0.95) {
  est <- unname(coef(stat))[1]
  se <- unname(sqrt(diag(as.matrix(vcov(stat)))))[1]
  value <- list(est = est, se = se)
  d <- attr(stat, "deff")
  if (!is.null(d)) value$deff <- unname(diag(as.matrix(d)))[1]
  if (!is.null(df)) {
    ci <- confint(stat, level = level, df = df)
    value$ci_lo <- unname(ci[1, 1]); value$ci_hi <- unname(ci[1, 2]); value$df <- df
  }
  out[[key]] <<- value
}
putprop <- function(key, p) {
  ci <- attr(p, "ci")
  out[[key]] <<- list(est = unname(p[1]), se = unname(sqrt(attr(p, "var")))[1],
                      ci_lo = unname(ci[1]), ci_hi = unname(ci[2]))
}
putby <- function(key, by) {
  out[[key]] <<- list(labels = as.character(apply(by[, attr(by, "svyby")$margins, drop = FALSE], 1, paste, collapse = ".")),
                      est = unname(coef(by)), se = unname(SE(by)))
}
pop_stype <- data.frame(stype = c("E", "H", "M"), Freq = c(4421, 755, 1018))
pop_sw <- data.frame(sch.wide = c("No", "Yes"), Freq = c(1072, 5122))
cal_pop <- c(`(Intercept)` = 6194, stypeH = 755, stypeM = 1018, api99 = 3914069)

dstrat <- svydesign(id = ~1, strata = ~stype, weights = ~pw, data = apistrat, fpc = ~fpc)
dclus1 <- svydesign(id = ~dnum, weights = ~pw, data = apiclus1, fpc = ~fpc)
dclus1_nofpc <- svydesign(id = ~dnum, weights = ~pw, data = apiclus1)
dclus2 <- svydesign(id = ~dnum + snum, fpc = ~fpc1 + fpc2, data = apiclus2)
dclus2_nofpc <- svydesign(id = ~dnum + snum, weights = ~pw, data = apiclus2)

# multistage with fpc at both stages
put("mean api00 dclus2", svymean(~api00, dclus2, deff = TRUE), df = degf(dclus2))
put("total enroll dclus2", svytotal(~enroll, dclus2, na.rm = TRUE, deff = TRUE))
put("ratio api.stu/enroll dclus2", svyratio(~api.stu, ~enroll, dclus2, na.rm = TRUE))
put("mean api00 dclus2_nofpc", svymean(~api00, dclus2_nofpc))
out[["degf dclus2"]] <- degf(dclus2)

# domains
putby("by stype mean api00 dclus2", svyby(~api00, ~stype, dclus2, svymean))
putby("by stype total enroll dstrat", svyby(~enroll, ~stype, dstrat, svytotal))
putby("by stype+sch.wide mean api00 dclus1", svyby(~api00, ~stype + sch.wide, dclus1, svymean))
for (s in c("E", "H", "M")) {
  sub <- subset(dclus1, stype == s)
  out[[paste("degf dclus1 stype", s)]] <- degf(sub)
  put(paste("mean api00 dclus1 stype", s), svymean(~api00, sub, deff = TRUE), df = degf(sub))
}
subE <- subset(dclus1, stype == "E")
for (m in c("beta", "logit", "xlogit", "asin", "likelihood", "mean"))
  putprop(paste("ciprop api00>700 dclus1 stype E", m), svyciprop(~I(api00 > 700), subE, method = m))
subM2 <- subset(dclus2, stype == "M")
for (m in c("beta", "xlogit", "asin", "mean"))
  putprop(paste("ciprop api00>700 dclus2 stype M", m), svyciprop(~I(api00 > 700), subM2, method = m))
out[["degf dclus2 stype M"]] <- degf(subM2)

# design effects of totals, ratios, proportions
put("total enroll dstrat deff", svytotal(~enroll, dstrat, deff = TRUE))
put("ratio api.stu/enroll dstrat deff", svyratio(~api.stu, ~enroll, dstrat, deff = TRUE))
put("mean api00>700 dclus1 deff", svymean(~as.numeric(api00 > 700), dclus1, deff = TRUE))

# other levels
putprop("ciprop api00>700 dclus1 beta level 0.9", svyciprop(~I(api00 > 700), dclus1, method = "beta", level = 0.9))
putprop("ciprop api00>700 dclus1 likelihood level 0.9", svyciprop(~I(api00 > 700), dclus1, method = "likelihood", level = 0.9))
put("mean api00 dclus1 level 0.9", svymean(~api00, dclus1), df = degf(dclus1), level = 0.9)

# replicate designs
jk1 <- as.svrepdesign(dclus1, type = "JK1")
put("jk1 mean api00 dclus1", svymean(~api00, jk1))
put("jk1 total enroll dclus1", svytotal(~enroll, jk1))
out[["degf jk1 dclus1"]] <- degf(jk1)
put("jk1 mean api00 dclus1_nofpc", svymean(~api00, as.svrepdesign(dclus1_nofpc, type = "JK1")))
jkn <- as.svrepdesign(dstrat, type = "JKn")
put("jkn total enroll dstrat", svytotal(~enroll, jkn))
put("jkn ratio api.stu/enroll dstrat", svyratio(~api.stu, ~enroll, jkn))
putby("jkn by sch.wide mean api00 dstrat", svyby(~api00, ~sch.wide, jkn, svymean))
set.seed(20261123)
boot <- as.svrepdesign(dclus1_nofpc, type = "subbootstrap", replicates = 50, compress = FALSE)
multipliers <- as.matrix(boot$repweights)
psu <- multipliers[!duplicated(apiclus1$dnum), ]
write.csv(data.frame(dnum = apiclus1$dnum[!duplicated(apiclus1$dnum)], psu), "bootstrap_multipliers.csv", row.names = FALSE)
out[["bootstrap scale"]] <- boot$scale
put("bootstrap mean api00 dclus1", svymean(~api00, boot))
put("bootstrap total enroll dclus1", svytotal(~enroll, boot))
out[["degf bootstrap dclus1"]] <- degf(boot)
boot$mse <- TRUE
put("bootstrap mse mean api00 dclus1", svymean(~api00, boot))

# calibration
ps2 <- postStratify(dclus2, ~stype, pop_stype)
put("poststratify mean api00 dclus2", svymean(~api00, ps2))
put("poststratify total enroll dclus2", svytotal(~enroll, ps2, na.rm = TRUE))
raked1 <- rake(dclus1, list(~stype, ~sch.wide), list(pop_stype, pop_sw), control = list(maxit = 500, epsilon = 1e-13))
put("rake mean api00 dclus1", svymean(~api00, raked1))
put("rake total enroll dclus1", svytotal(~enroll, raked1))
raked2 <- rake(dclus2, list(~stype, ~sch.wide), list(pop_stype, pop_sw), control = list(maxit = 500, epsilon = 1e-13))
put("rake mean api00 dclus2", svymean(~api00, raked2))
bounded <- calibrate(dclus1, ~stype + api99, cal_pop, bounds = c(0.5, 1.6))
out[["bounded g range"]] <- range(weights(bounded) / weights(dclus1))
put("calibrate bounded mean api00 dclus1", svymean(~api00, bounded))
put("calibrate api99 mean api00 dclus1", svymean(~api00, calibrate(dclus1, ~api99, c(`(Intercept)` = 6194, api99 = 3914069))))
put("calibrate stype+api99 mean api00 dclus2", svymean(~api00, calibrate(dclus2, ~stype + api99, cal_pop)))
trimmed <- trimWeights(dclus2, upper = 150, lower = 20, strict = TRUE)
out[["trim dclus2 weight range"]] <- range(weights(trimmed))
put("trim mean api00 dclus2", svymean(~api00, trimmed))
caltrim <- trimWeights(calibrate(dclus2, ~stype, c(`(Intercept)` = 6194, stypeH = 755, stypeM = 1018)), upper = 200, strict = TRUE)
put("calibrate then trim mean api00 dclus2", svymean(~api00, caltrim))

# calibration of replicate designs (every replicate calibrated)
put("jk1 poststratify mean api00 dclus1", svymean(~api00, postStratify(jk1, ~stype, pop_stype)))
put("jk1 calibrate stype+api99 mean api00 dclus1", svymean(~api00, calibrate(jk1, ~stype + api99, cal_pop)))
put("jk1 rake mean api00 dclus1", svymean(~api00, rake(jk1, list(~stype, ~sch.wide), list(pop_stype, pop_sw),
                                                       control = list(maxit = 500, epsilon = 1e-13))))
put("jk1 poststratify total enroll apiclus2 first stage", svytotal(~enroll, postStratify(as.svrepdesign(
  svydesign(id = ~dnum, weights = ~pw, data = apiclus2), type = "JK1"), ~stype, pop_stype), na.rm = TRUE))

# proportions on replicate designs (R's logit uses the replicate variance of the logit coefficient)
for (m in c("beta", "logit", "xlogit", "asin", "mean")) {
  putprop(paste("ciprop api00>700 jkn dstrat", m), svyciprop(~I(api00 > 700), jkn, method = m))
  putprop(paste("ciprop api00>700 jk1 dclus1", m), svyciprop(~I(api00 > 700), jk1, method = m))
}
out[["degf jkn dstrat stype E"]] <- degf(subset(jkn, stype == "E"))

# domains of calibrated designs
calibrated <- calibrate(dclus1, ~stype + api99, cal_pop)
putby("by stype mean api00 calibrated dclus1", svyby(~api00, ~stype, calibrated, svymean))
out[["degf calibrated dclus1 stype H"]] <- degf(subset(calibrated, stype == "H"))
putby("by sch.wide mean api00 poststratified dclus2", svyby(~api00, ~sch.wide, ps2, svymean))

# lonely PSUs
for (option in c("adjust", "average", "remove", "certainty")) {
  options(survey.lonely.psu = option)
  lonely <- svydesign(id = ~1, strata = ~stype, weights = ~pw, data = lonely_data)
  put(paste("lonely", option, "mean api00"), svymean(~api00, lonely))
  put(paste("lonely", option, "total enroll"), svytotal(~enroll, lonely))
  put(paste("lonely", option, "jkn mean api00"), svymean(~api00, as.svrepdesign(lonely, type = "JKn")))
}
options(survey.lonely.psu = "fail")

writeLines(toJSON(out, digits = 15, auto_unbox = TRUE, pretty = TRUE), "extra.json")
