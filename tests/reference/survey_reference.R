# Reference values for qualepref_analysis.survey, computed with R's survey package.
# Run from tests/reference/:  Rscript survey_reference.R   (writes survey_reference.json)
# Needs: apt-get install r-base-core r-cran-survey r-cran-mass
suppressMessages(library(survey))

d <- read.csv("survey_data.csv", stringsAsFactors = FALSE)
m <- read.csv("survey_margins.csv", stringsAsFactors = FALSE)
# Initial weights N/n (the population total over the sample size): raking is invariant to this
# scaling, and it keeps calibrate()'s Newton steps from diverging when starting from 1.
d$w0 <- sum(m$effectif[m$variable == "service"]) / nrow(d)
for (q in c("q_global", "q_attente", "q_pmr", "q_borne")) d[[paste0(q, "_sat")]] <- as.numeric(d[[q]] %in% c(3, 4))

pop_service <- m[m$variable == "service", ]
pop_half <- m[m$variable == "demi_journee", ]
ps_pop <- data.frame(service = pop_service$modalite, Freq = pop_service$effectif)
d$service <- factor(d$service); d$demi_journee <- factor(d$demi_journee)
design0 <- svydesign(ids = ~1, weights = ~w0, data = d)
mm_names <- colnames(model.matrix(~service + demi_journee, d))
total <- sum(pop_service$effectif)
raking_totals <- sapply(mm_names, function(name) {
  if (name == "(Intercept)") return(total)
  if (startsWith(name, "service")) return(pop_service$effectif[pop_service$modalite == sub("^service", "", name)])
  pop_half$effectif[pop_half$modalite == sub("^demi_journee", "", name)]
})
designs <- list(
  poststratification = postStratify(design0, ~service, ps_pop),
  # converged raking: calibrate(calfun = "raking") on the population totals of ~service + demi_journee
  # (rake()'s default control stops after a few sweeps, off by up to 0.13 on a margin)
  raking = calibrate(design0, ~service + demi_journee, raking_totals, calfun = "raking", epsilon = 1e-10, maxit = 500),
  none = design0
)

num <- function(x) formatC(as.numeric(x), digits = 17, format = "g")
out <- c()
for (method in names(designs)) {
  des <- designs[[method]]
  w <- weights(des)
  records <- c()
  for (q in c("q_global", "q_attente", "q_pmr", "q_borne")) {
    sat <- paste0(q, "_sat")
    sub <- subset(des, !is.na(d[[q]]))
    f <- as.formula(paste0("~", sat))
    est <- svymean(f, sub, deff = TRUE)
    logit <- svyciprop(f, sub, method = "logit")
    beta <- svyciprop(f, sub, method = "beta")
    records <- c(records, sprintf(
      '"%s": {"n": %d, "estimate": %s, "se": %s, "deff": %s, "logit": [%s, %s], "beta": [%s, %s], "df": %d}',
      q, sum(!is.na(d[[q]])), num(coef(est)), num(SE(est)), num(deff(est)),
      num(attr(logit, "ci")[1]), num(attr(logit, "ci")[2]), num(attr(beta, "ci")[1]), num(attr(beta, "ci")[2]),
      degf(sub)))
  }
  out <- c(out, sprintf('"%s": {"weights": [%s], "questions": {%s}}', method,
                        paste(num(w), collapse = ", "), paste(records, collapse = ", ")))
}
writeLines(paste0('{"survey_version": "', as.character(packageVersion("survey")), '", ',
                  '"R_version": "', R.version.string, '", ', paste(out, collapse = ", "), "}"),
           "survey_reference.json")
